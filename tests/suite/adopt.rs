//! Adopting a repository as it is: tags made before the site had a
//! `casebook.yaml`, kinds by folder or glob, per-commit redlines for whole
//! sections, section titles, and the text in force beside a policy that
//! takes effect later. Every repository is scripted inside its test, and
//! what the site says of it is checked against `git` itself.

mod git;
mod in_force;
mod kinds;
mod versions;
