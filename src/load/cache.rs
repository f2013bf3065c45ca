//! Parses kept between analyses of one workspace, reused while a file's
//! content is the same allocation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::facts::Fact;
use crate::files::ClusterFile;
use crate::formats::Format;
use crate::limits::Limits;
use crate::source::FileId;

/// What a cached parse is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    pub(crate) path: String,
    pub(crate) format: Format,
    pub(crate) fragment: bool,
    pub(crate) limits: Limits,
}

#[derive(Debug)]
struct CachedLoad {
    content: Arc<[u8]>,
    id: FileId,
    loaded: Arc<(ClusterFile, Vec<Fact>)>,
}

/// Parses kept between analyses of one workspace (see
/// `Workspace::enable_parse_cache`). The facts' spans name the
/// file's id, so a parse is reused only under the same id.
#[derive(Debug, Default)]
pub(crate) struct ParseCache {
    entries: Mutex<HashMap<CacheKey, CachedLoad>>,
}

impl ParseCache {
    pub(crate) fn get(
        &self,
        key: &CacheKey,
        content: &Arc<[u8]>,
        id: FileId,
    ) -> Option<(ClusterFile, Vec<Fact>)> {
        let loaded = {
            let entries = self.entries.lock().ok()?;
            let entry = entries.get(key)?;
            if entry.id != id || !Arc::ptr_eq(&entry.content, content) {
                return None;
            }
            Arc::clone(&entry.loaded)
        };
        Some((loaded.0.clone(), loaded.1.clone()))
    }

    pub(crate) fn put(
        &self,
        key: CacheKey,
        content: Arc<[u8]>,
        id: FileId,
        loaded: &(ClusterFile, Vec<Fact>),
    ) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(
                key,
                CachedLoad {
                    content,
                    id,
                    loaded: Arc::new((loaded.0.clone(), loaded.1.clone())),
                },
            );
        }
    }
}
