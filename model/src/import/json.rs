//! Walking parsed JSON with its path kept, so every error names the place it is about
//! (`[2].state.network.eth0.addresses[1].address`).

use super::ImportError;
use serde_json::Value;

/// A value and the path that leads to it.
#[derive(Clone)]
pub struct At<'a> {
    pub value: &'a Value,
    pub path: String,
}

static NULL: Value = Value::Null;

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl<'a> At<'a> {
    pub fn root(value: &'a Value) -> Self {
        Self {
            value,
            path: String::new(),
        }
    }

    pub fn error(&self, message: impl Into<String>) -> ImportError {
        ImportError::new(self.path.clone(), message)
    }

    fn wrong(&self, expected: &str) -> ImportError {
        self.error(format!("expected {expected}, found {}", kind(self.value)))
    }

    /// A member of an object (null when absent).
    pub fn field(&self, name: &str) -> At<'a> {
        let value = self.value.get(name).unwrap_or(&NULL);
        let path = if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        };
        At { value, path }
    }

    /// A string, or None when null or absent.
    pub fn str(&self) -> Result<Option<&'a str>, ImportError> {
        match self.value {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.as_str())),
            _ => Err(self.wrong("a string")),
        }
    }

    /// A string that must be there.
    pub fn required_str(&self) -> Result<&'a str, ImportError> {
        self.str()?
            .ok_or_else(|| self.error("missing (expected a string)"))
    }

    pub fn bool(&self) -> Result<Option<bool>, ImportError> {
        match self.value {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            _ => Err(self.wrong("true or false")),
        }
    }

    /// The items of a list (none when null or absent).
    pub fn items(&self) -> Result<Vec<At<'a>>, ImportError> {
        match self.value {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, value)| At {
                    value,
                    path: format!("{}[{i}]", self.path),
                })
                .collect()),
            _ => Err(self.wrong("a list")),
        }
    }

    /// The members of an object in the file's order (none when null or absent).
    pub fn members(&self) -> Result<Vec<(&'a str, At<'a>)>, ImportError> {
        match self.value {
            Value::Null => Ok(Vec::new()),
            Value::Object(map) => Ok(map
                .iter()
                .map(|(name, _)| (name.as_str(), self.field(name)))
                .collect()),
            _ => Err(self.wrong("an object")),
        }
    }

    /// An IP address through the inventory's own parser; blank means None.
    pub fn address(&self) -> Result<Option<std::net::IpAddr>, ImportError> {
        match self.str()?.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(text) => crate::domain::parse_address(text)
                .map(Some)
                .map_err(|_| self.error(format!("\"{text}\" is not an IP address"))),
        }
    }
}

/// Parses one JSON document (or several in a row, as `docker inspect a; docker network
/// inspect b` writes them); a syntax error names its line and column.
pub fn documents(text: &str) -> Result<Vec<Value>, ImportError> {
    let mut docs = Vec::new();
    for doc in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        let doc = doc.map_err(|e| {
            ImportError::new(
                format!("line {} column {}", e.line(), e.column()),
                format!("not valid JSON: {e}"),
            )
        })?;
        docs.push(doc);
    }
    if docs.is_empty() {
        return Err(ImportError::new("", "the file is empty"));
    }
    Ok(docs)
}

/// The items of each document's top-level list, paths prefixed by the document's number
/// when there are several.
pub fn top_items(docs: &[Value]) -> Result<Vec<At<'_>>, ImportError> {
    let several = docs.len() > 1;
    let mut all = Vec::new();
    for (n, doc) in docs.iter().enumerate() {
        let mut root = At::root(doc);
        if several {
            root.path = format!("document {}: ", n + 1);
        }
        if !doc.is_array() {
            return Err(root.error(format!("expected a list, found {}", kind(doc))));
        }
        all.extend(root.items()?);
    }
    Ok(all)
}
