-- Indexes the list and detail pages read by (a host's services and tunnels, a container's
-- services, an incident's folded ones), and the ones housekeeping prunes by.
CREATE INDEX services_host ON services(host_id);
CREATE INDEX services_container ON services(container_id);
CREATE INDEX tunnels_host ON tunnels(host_id);
CREATE INDEX incidents_folded_into ON incidents(folded_into);
CREATE INDEX verdict_events_at ON verdict_events(at);
CREATE INDEX deliveries_finished ON deliveries(status, updated_at);
CREATE INDEX changes_at ON changes(at);
