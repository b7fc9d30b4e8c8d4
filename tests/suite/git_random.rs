//! Random git histories for property-style tests: deterministic for a
//! seed, built with [`Repo`] like the hand-written fixtures.

use std::collections::BTreeMap;

use crate::git_fixtures::Repo;
use crate::harness::SiteTest;

/// Commits of each random history, besides merges.
const STEPS: usize = 32;

/// A small deterministic generator (xorshift), so every run builds the same repositories.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

const WORDS: &str = "supplier notice records breach counsel approval retention privacy \
    contract payment days written company party review policy";

fn line(rng: &mut Rng) -> String {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    (0..8)
        .map(|_| words[rng.below(words.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

/// An open feature branch: what it touched, and how much of main it has.
struct Feature {
    name: String,
    touched: Vec<String>,
    has_main: usize,
}

/// A random history of pages under `content/` (policies get redlines) and
/// files outside it (`archive/`): edits, creations, exact and near copies,
/// moves with and without edits, deletions, feature branches merged as
/// GitHub and GitLab do or squashed, back-merges, and dates that go back
/// and forth. Branches never conflict: a file one open branch touched is
/// left alone by the others until it is merged, and a branch only touches
/// what it has main's latest version of.
pub fn random_history(seed: u64) -> Repo {
    let repo = Repo::init(SiteTest::new());
    let mut rng = Rng(seed.max(1));
    repo.write(
        "casebook.yaml",
        "title: Random\nrepo_url: https://git.example/acme/random\nversions:\n  tags: \"v*\"\n",
    );
    let folders = ["content/policies", "content/guides", "archive"];
    let mut made = 0usize;
    let mut fresh = |rng: &mut Rng| {
        made += 1;
        format!("{}/p{made}.md", folders[rng.below(folders.len())])
    };
    let page = |rng: &mut Rng, n: usize| {
        let body: Vec<String> = (0..8).map(|_| line(rng)).collect();
        format!("---\ntitle: Page {n}\n---\n{}\n", body.join("\n\n"))
    };
    for i in 0..4 {
        let path = fresh(&mut rng);
        repo.write(&path, &page(&mut rng, i));
    }
    let mut clock = 1_500_000_000i64;
    let mut main_seq = 1usize;
    let mut main_touched: BTreeMap<String, usize> = BTreeMap::new();
    let mut features: Vec<Feature> = Vec::new();
    let mut numbers = 0u64;
    repo.commit(&format!("@{clock} +0000"), "Start");
    let mut current = "main".to_string();
    for step in 0..STEPS {
        clock += 3600;
        let on = rng.below(features.len() + 2).checked_sub(2);
        let branch = on.map_or("main".to_string(), |f| features[f].name.clone());
        if branch != current {
            repo.switch(&branch);
            current = branch;
        }
        let locked: Vec<String> = features
            .iter()
            .enumerate()
            .filter(|(k, _)| Some(*k) != on)
            .flat_map(|(_, f)| f.touched.clone())
            .collect();
        let has_main = on.map_or(main_seq, |f| features[f].has_main);
        let files: Vec<String> = repo
            .git(&["ls-files", "content", "archive"])
            .lines()
            .filter(|p| !locked.contains(&p.to_string()) && main_touched.get(*p).is_none_or(|&s| s <= has_main))
            .map(str::to_string)
            .collect();
        let mut touched = Vec::new();
        let action = rng.below(10);
        match (action, rng.pick(&files).cloned()) {
            (0..=3, Some(f)) => {
                let text = repo.read(&f);
                let old = text.lines().nth(4 + 2 * rng.below(6)).unwrap_or_default().to_string();
                repo.edit(&f, &old, &line(&mut rng));
                touched.push(f);
            }
            (4, Some(f)) => {
                let to = fresh(&mut rng);
                repo.mv(&f, &to);
                if rng.chance(50) {
                    repo.write(
                        &to,
                        &format!("{}\nOne more line: {}.\n", repo.read(&to), line(&mut rng)),
                    );
                }
                touched.extend([f, to]);
            }
            (5, Some(f)) => {
                let to = fresh(&mut rng);
                let text = repo.read(&f);
                let copy = if rng.chance(30) {
                    text
                } else {
                    text.replacen("\n\n", &format!("\n\n{}\n\n", line(&mut rng)), 1)
                };
                repo.write(&to, &copy);
                touched.push(to);
            }
            (6, Some(f)) if files.len() > 3 => {
                repo.rm(&f);
                touched.push(f);
            }
            _ => {
                let to = fresh(&mut rng);
                repo.write(&to, &page(&mut rng, step + 10));
                touched.push(to);
            }
        }
        // Feature commits may be dated days before main's latest.
        let skew = if on.is_some() {
            rng.below(96) as i64 * 3600 - 72 * 3600
        } else {
            0
        };
        repo.commit(&format!("@{} +0000", clock + skew), &format!("Change {step}"));
        match on {
            None => {
                main_seq += 1;
                for t in touched {
                    main_touched.insert(t, main_seq);
                }
            }
            Some(f) => features[f].touched.extend(touched),
        }
        // Now and then: a new branch, a back-merge, a merge into main, a tag.
        if rng.chance(25) {
            let name = format!("feature-{step}");
            repo.branch(&name, "main");
            current = name.clone();
            features.push(Feature {
                name,
                touched: Vec::new(),
                has_main: main_seq,
            });
        }
        if rng.chance(20) && !features.is_empty() {
            let f = rng.below(features.len());
            repo.switch(&features[f].name);
            current = features[f].name.clone();
            repo.merge("main", &format!("@{clock} +0000"), "Merge branch 'main' into feature");
            features[f].has_main = main_seq;
        }
        if rng.chance(30) && !features.is_empty() {
            let f = features.remove(rng.below(features.len()));
            repo.switch("main");
            current = "main".into();
            numbers += 1;
            let when = format!("@{} +0000", clock + 1800);
            match rng.below(3) {
                0 => repo.squash(&f.name, &when, &format!("Squashed work {step} (#{numbers})")),
                1 => repo.merge(
                    &f.name,
                    &when,
                    &format!(
                        "Merge branch '{}' into 'main'\n\nSee merge request legal/policies!{numbers}",
                        f.name
                    ),
                ),
                _ => repo.merge(
                    &f.name,
                    &when,
                    &format!(
                        "Merge pull request #{numbers} from acme/{}\n\nApproved-by: GC <gc@example.com>",
                        f.name
                    ),
                ),
            };
            main_seq += 1;
            for t in f.touched {
                main_touched.insert(t, main_seq);
            }
        }
        if step == STEPS / 2 {
            repo.switch("main");
            current = "main".into();
            repo.tag("v1");
        }
    }
    repo.switch("main");
    repo
}
