//! The inventory file as text: YAML (the default, for people) or JSON (for programs), read
//! with its size bounded and errors naming the line.

use super::file::InventoryFile;
use super::{ImportError, bounded_text};

/// The two spellings of the inventory file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Yaml,
    Json,
}

impl FileFormat {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Ok(Self::Yaml),
            "json" => Ok(Self::Json),
            other => Err(format!("'{other}' is not yaml or json")),
        }
    }
}

/// Writes the file (sorted, so the same inventory always reads the same).
pub fn write(file: &InventoryFile, format: FileFormat) -> String {
    let mut file = file.clone();
    file.sort();
    match format {
        FileFormat::Json => serde_json::to_string_pretty(&file).unwrap_or_default() + "\n",
        FileFormat::Yaml => {
            let body = serde_saphyr::to_string(&file).unwrap_or_default();
            format!("# v6watch inventory (docs/inventory-file.md)\n{body}")
        }
    }
}

/// Reads a file in either spelling: JSON when it starts with `{`, YAML otherwise.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<InventoryFile, ImportError> {
    let text = bounded_text(file_name, bytes)?;
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<InventoryFile>(text).map_err(|e| {
            ImportError::new(
                format!("line {} column {}", e.line(), e.column()),
                e.to_string(),
            )
        })
    } else {
        serde_saphyr::from_str::<InventoryFile>(text)
            .map_err(|e| ImportError::new("", e.to_string()))
    };
    parsed.map_err(|e| e.in_file(file_name))
}
