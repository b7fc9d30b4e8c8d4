use super::*;

fn terms(md: &str) -> Vec<(String, Form)> {
    definitions_in(md).into_iter().map(|f| (f.term, f.form)).collect()
}

fn one(md: &str) -> Found {
    let mut all = definitions_in(md);
    assert_eq!(all.len(), 1, "{md}: {all:?}");
    all.remove(0)
}

#[test]
fn drafting_styles_that_define() {
    use Form::*;
    let cases: &[(&str, &[(&str, Form)])] = &[
        (
            "**\"Business Day\"** means a day other than a Saturday, Sunday or public holiday in England.",
            &[("Business Day", Verb)],
        ),
        (
            "**“Confidential Information”** has the meaning given in clause 4.",
            &[("Confidential Information", Verb)],
        ),
        (
            "Northwind Industries Ltd (the **\"Company\"**) adopts this policy.",
            &[("Company", Parenthetical)],
        ),
        (
            "\"**Gift**\" means anything of value given or received.",
            &[("Gift", Verb)],
        ),
        (
            "**\"Public Official\"** includes any employee of a state-owned company.",
            &[("Public Official", Verb)],
        ),
        (
            "**\"Affiliate\"** shall mean any entity that controls or is controlled by the Company.",
            &[("Affiliate", Verb)],
        ),
        (
            "**\"Personal Data\"** refers to any information relating to an identified person.",
            &[("Personal Data", Verb)],
        ),
        (
            "**\"Affiliate\"**, in relation to a person, means any entity it controls.",
            &[("Affiliate", Verb)],
        ),
        (
            "- **\"Gift\"** means anything of value;\n- **\"Hospitality\"** means meals and events.",
            &[("Gift", Verb), ("Hospitality", Verb)],
        ),
        (
            "The buyer and the seller (each a **\"Party\"** and together the **\"Parties\"**) agree.",
            &[("Party", Parenthetical), ("Parties", Parenthetical)],
        ),
        (
            "**\"Hospitality\"** shall have the meaning set out in clause 3.",
            &[("Hospitality", Verb)],
        ),
        (
            "Business Day\n: A day on which banks in London are open.",
            &[("Business Day", List)],
        ),
        (
            "**Approver** means the person named in the approval matrix.",
            &[("Approver", Verb)],
        ),
        (
            "Northwind and its subsidiaries (collectively, the **\"Group\"**) must comply.",
            &[("Group", Parenthetical)],
        ),
        (
            "**‘Supplier’** means the party providing the services.",
            &[("Supplier", Verb)],
        ),
        ("**\"NDA\"** means a non-disclosure agreement.", &[("NDA", Verb)]),
        (
            "The policy applies to Northwind Industries Ltd (**\"Northwind\"**).",
            &[("Northwind", Parenthetical)],
        ),
        (
            "> [!NOTE]\n> **\"Register\"** means the gifts register in the compliance portal.",
            &[("Register", Verb)],
        ),
        (
            "In this policy the word **\"Gift\"** means anything of value.",
            &[("Gift", Verb)],
        ),
    ];
    for (md, want) in cases {
        let got = terms(md);
        let want: Vec<(String, Form)> = want.iter().map(|(t, f)| (t.to_string(), *f)).collect();
        assert_eq!(got, want, "{md}");
    }
}

#[test]
fn what_is_not_a_definition() {
    for md in [
        // A quotation: a blockquote, or quotation marks around the bold term.
        "> **\"Company\"** means the seller under the old contract.",
        "The regulator wrote: “the term **\"Relevant Person\"** means any employee”.",
        // Bold emphasis.
        "You must **never** accept cash.",
        "**Important:** read this before the meeting.",
        "**Note** that this includes contractors.",
        "This policy **means** business.",
        // A quoted term in a heading.
        "## The **\"Company\"** means us",
        "## The \"Company\" and its subsidiaries",
        // Not capitalised, no defining verb, or not plain bold text.
        "**\"reasonable endeavours\"** means taking the steps a prudent person would take.",
        "Gifts are **\"nice to have\"**, not expected.",
        "Read the **\"Code of Business Conduct\"** before signing.",
        "**\"Gift\"** is anything of value.",
        "**\"Company *name*\"** means the registered name.",
        // Links and code name a term, they do not define it.
        "[**\"Company\"**](https://example.com) means the seller.",
        "`**\"Company\"** means the seller`",
        "```\n**\"Company\"** means the seller\n```",
        // Parentheses that are not a definition.
        "Employees (see **\"Thresholds\"**) must register gifts.",
        "Employees (including **contractors**) must register gifts.",
        // A bold term that does not open its block needs quotes.
        "Ask the **Compliance Officer** means of approval.",
        // A definition-list entry that is no term.
        "the lower-case entry\n: is not a term.",
        // Template text of other tools names a term, it does not define one.
        "**\"{{ company_name }}\"** means the counterparty.",
        "{% if mutual %}**\"{{ Party }}\"** means each party.{% endif %}",
        "**\"{{/* Company() */}}\"** means the seller.",
        // A definition inside an inline code span, or a link inside the bold.
        "Write `**\"Gift\"** means …` to define a term.",
        "**\"[Gift](gifts.md)\"** means anything of value.",
        // Lower-case scripts.
        "**\"ärger\"** means trouble.",
    ] {
        assert_eq!(terms(md), [], "{md}");
    }
}

#[test]
fn the_text_shown_is_the_definition_sentence() {
    let f = one("Some text first. **\"Business Day\"** means a day other than a Saturday, e.g. a Monday. Other text.");
    assert_eq!(
        f.text,
        "“Business Day” means a day other than a Saturday, e.g. a Monday."
    );
    assert_eq!(f.meaning, "a day other than a Saturday, e.g. a Monday");
    let f = one("- **\"Gift\"** means anything of value, including vouchers; and\n");
    assert_eq!(f.text, "“Gift” means anything of value, including vouchers");
    let f = one("This policy applies to Northwind Industries Ltd (the **\"Company\"**), its staff and agents.");
    assert_eq!(
        f.text,
        "This policy applies to Northwind Industries Ltd (the “Company”)"
    );
    assert_eq!(f.meaning, "Northwind Industries Ltd");
    let f = one("Business Day\n: A day on which banks are open.\n");
    assert_eq!(
        (f.text.as_str(), f.meaning.as_str()),
        (
            "Business Day: A day on which banks are open.",
            "A day on which banks are open"
        )
    );
}

#[test]
fn the_same_meaning_compares_equal_across_forms() {
    let a = one("**\"Business Day\"** means a day on which banks are open.");
    let b = one("Business Day\n: a day on which banks are open");
    let c = one("**“Business Day”** means a day on which\nbanks are open;");
    assert_eq!(a.meaning, b.meaning);
    assert_eq!(a.meaning, c.meaning);
}

#[test]
fn long_definitions_are_cut_at_a_word() {
    let long = format!("**\"Gift\"** means {}.", "anything of value ".repeat(40));
    let f = one(&long);
    assert!(f.text.ends_with('…'), "{}", f.text);
    assert!(f.text.chars().count() <= TEXT_CHARS + 1);
}

#[test]
fn ranges_point_at_the_term_as_written() {
    let md = "Intro.\n\nThe buyer (the **\"Buyer\"**) pays.\n";
    let f = one(md);
    assert_eq!(&md[f.range.clone()], "**\"Buyer\"**");
    assert_eq!(f.block, 2);
}

#[test]
fn quoted_capitalised_terms_that_define_nothing_are_found() {
    let md = "The \"Supplier\" must deliver. Ask the \"Compliance Officer\" or \"someone\". \
              He said \"Hello\". Read the **\"Code of Conduct\"**.\n\n> the \"Seller\" is quoted.\n";
    let (_, quoted) = {
        let mut d = Detector::new(md);
        for (n, (e, r)) in Parser::new_ext(md, crate::parse::markdown::options())
            .into_offset_iter()
            .enumerate()
        {
            d.observe(&e, r, n);
        }
        d.finish()
    };
    let found: Vec<(&str, &str)> = quoted.iter().map(|q| (q.term.as_str(), &md[q.range.clone()])).collect();
    assert_eq!(
        found,
        [
            ("Code of Conduct", "Code of Conduct"),
            ("Supplier", "Supplier"),
            ("Compliance Officer", "Compliance Officer")
        ]
    );
}

#[test]
fn cross_references_in_a_definition_are_filled_in_later() {
    let text = format!(
        "“Signatory” means a person named in {} or {}.",
        xref_mark(0),
        xref_mark(7)
    );
    assert_eq!(
        fill_xrefs(&text, &["clause 2.1".to_string()]),
        "“Signatory” means a person named in clause 2.1 or ."
    );
    assert_eq!(fill_xrefs("no marks \u{E000}", &[]), "no marks ");
}
