//! Any bytes as file names in a corpus: every article the walk finds gets a key of its own,
//! and the key leads back to exactly the file it was made from.
#![no_main]

use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    std::fs::create_dir(&root).unwrap();
    let mut articles = 0;
    // Up to four names, separated by NUL (the one byte no name can hold); a `/` makes a folder.
    for raw in bytes.split(|&b| b == 0).take(4) {
        let mut name = raw.to_vec();
        name.extend_from_slice(b".txt");
        let relative = Path::new(OsStr::from_bytes(&name));
        // Only plain names and folders: `..` or a leading `/` would put the file elsewhere.
        if !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            continue;
        }
        let path = root.join(relative);
        let Some(parent) = path.parent() else {
            continue;
        };
        if std::fs::create_dir_all(parent).is_err() {
            continue;
        }
        if path.exists() || std::fs::write(&path, b"Title\n\nBody.\n").is_err() {
            continue;
        }
        let hidden = relative
            .components()
            .any(|c| c.as_os_str().as_bytes().starts_with(b"."));
        articles += usize::from(!hidden);
    }
    let walked = gazette::walk::walk(&root, None).unwrap();
    let keys: HashSet<&str> = walked.files.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys.len(), walked.files.len(), "two files share a key");
    assert_eq!(walked.files.len(), articles, "{:?}", walked.files);
    for file in &walked.files {
        assert_eq!(gazette::walk::key_path(&root, &file.key), file.path);
    }
});
