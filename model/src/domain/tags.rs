//! Free-form tags on inventory objects.

/// Splits on commas and whitespace; each tag is lowercase letters, digits, '-', '_' or '.',
/// at most 32 characters; duplicates are dropped, order is kept.
pub fn parse_tags(input: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for raw in input.split(|c: char| c == ',' || c.is_whitespace()) {
        let tag = raw.trim().to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.len() > 32 {
            return Err(format!("the tag '{tag}' is longer than 32 characters"));
        }
        if let Some(bad) = tag
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(format!("'{bad}' is not allowed in a tag"));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > 20 {
        return Err("at most 20 tags".into());
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_and_validate() {
        assert_eq!(
            parse_tags("lab, Pi  docker,lab").unwrap(),
            ["lab", "pi", "docker"]
        );
        assert!(parse_tags("").unwrap().is_empty());
        assert!(parse_tags("ok, b@d").unwrap_err().contains("'@'"));
        assert!(
            parse_tags(&"x".repeat(33))
                .unwrap_err()
                .contains("longer than 32")
        );
    }
}
