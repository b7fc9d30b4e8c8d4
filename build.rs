// The default theme and the `init` starter site are embedded with
// include_dir, which does not notice added or removed files on its own.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=src/cmd/starter");
}
