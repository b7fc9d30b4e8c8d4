//! `casebook init [DIR]`: a small working site to start from.

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::cmd::Outcome;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/cmd/starter");

pub fn run(dir: Option<&Path>) -> Outcome {
    let dir = dir.unwrap_or(Path::new("."));
    for existing in ["casebook.yaml", "content"] {
        if dir.join(existing).exists() {
            eprintln!(
                "error: `{}` already exists\n  = help: run `casebook init` in an empty folder, or `casebook init NEW-FOLDER`",
                dir.join(existing).display()
            );
            return Outcome::Failed;
        }
    }
    if let Err(e) = write_dir(&STARTER, dir) {
        eprintln!("error: {e}");
        return Outcome::Failed;
    }
    let shown = dir.display();
    println!("created a casebook site in {shown}");
    println!("next: casebook build --root {shown}   then open {shown}/public/index.html");
    Outcome::Ok
}

fn write_dir(src: &Dir<'_>, dest: &Path) -> Result<(), String> {
    for entry in src.entries() {
        match entry {
            include_dir::DirEntry::Dir(d) => write_dir(d, dest)?,
            include_dir::DirEntry::File(f) => {
                let path = dest.join(f.path());
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("could not create `{}`: {e}", parent.display()))?;
                }
                std::fs::write(&path, f.contents())
                    .map_err(|e| format!("could not write `{}`: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}
