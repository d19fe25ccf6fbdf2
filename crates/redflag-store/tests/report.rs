//! The case report on a small fixture store: a golden file (the same bytes on both backends),
//! escaping, no external assets, and victims' selectors withheld.
mod common;

use common::{Backend, analyst, doc_at, each_backend, reader};
use redflag_store::Tlp;
use redflag_store::cluster::Settings;
use redflag_store::report::CaseReport;

/// A recruiting network moving from Myawaddy (Thai numbers) to Poipet (+855), one of whose
/// documents carries markup; and a forwarded rescue plea in two copies that differ only in the
/// victim's own number (the engine gives every selector of a plea the victim's role, so the two
/// are linked only as a template).
fn fixture(be: &Backend) -> common::TestStore {
    let mut s = be.store();
    let a = analyst("ngo-a");
    let docs = vec![
        doc_at(
            "URGENT HIRING customer service in Myawaddy, salary 1500 USD, free visa and flight. \
             Telegram @kk_recruit_hr or WhatsApp +66 92 555 0101",
            "r1",
            Tlp::Amber,
            "2025-01-10T08:00:00Z",
        ),
        doc_at(
            "Easy typing job, no experience needed <script>alert(\"x\")</script> & high commission, \
             contact Telegram @kk_recruit_hr",
            "r2",
            Tlp::Amber,
            "2025-02-03T12:30:00Z",
        ),
        doc_at(
            "URGENT HIRING customer service in Poipet, salary 1800 USD, free visa and flight. \
             Telegram @kk_recruit_hr or WhatsApp +855 97 234 5678",
            "r3",
            Tlp::Amber,
            "2025-04-21T09:15:00Z",
        ),
        doc_at(
            "Please help me, I am trapped in a compound in Poipet, they took my passport. \
             The recruiter was @kk_recruit_hr. My number is +66 81 234 5678, call my sister",
            "p1",
            Tlp::Red,
            "2025-05-02T22:00:00Z",
        ),
        doc_at(
            "Please help me, I am trapped in a compound in Poipet, they took my passport. \
             The recruiter was @kk_recruit_hr. My number is +66 81 987 6543, call my sister",
            "p2",
            Tlp::Red,
            "2025-05-03T07:00:00Z",
        ),
    ];
    s.ingest(&a, &docs).unwrap();
    s.cluster(&a, &Settings::default()).unwrap();
    s
}

#[test]
fn case_report_golden_escaped_and_self_contained() {
    each_backend(|be: &Backend| {
        let s = fixture(be);
        let a = analyst("ngo-a");
        let r = CaseReport::gather(&*s, &a, 1)
            .unwrap()
            .expect("document 1 is in a cluster");
        assert_eq!(r.docs.len(), 3, "{:?}", r.view.members);
        let html = r.html("2026-01-01T00:00:00Z");
        // Escaped: the markup in a document is text, never markup.
        assert!(!html.contains("<script"), "raw script tag");
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        // Self-contained: nothing fetched from anywhere.
        for bad in [
            "http://", "https://", " src=", "<link", "@import", "url(", "<iframe", "<object",
        ] {
            assert!(!html.contains(bad), "found {bad:?}");
        }
        for href in html.split("href=\"").skip(1) {
            assert!(href.starts_with('#'), "external href: {}", &href[..40]);
        }
        // The recruiter's handle, the graph, the timeline, the reasons.
        assert!(html.contains("kk_recruit_hr"));
        assert!(html.contains("<svg class=\"graph\""));
        assert!(html.contains("<svg class=\"timeline\""));
        assert!(html.contains("phone +855") && html.contains("Poipet"));
        assert!(html.contains("<mark class=\"lure\" title=\""));
        assert!(html.contains("TLP:AMBER"));
        insta::assert_snapshot!("case_report", html);
    });
}

#[test]
fn victims_selectors_never_appear_in_a_report() {
    each_backend(|be: &Backend| {
        let s = fixture(be);
        let r = CaseReport::gather(&*s, &analyst("ngo-a"), 4)
            .unwrap()
            .expect("the two copies of the plea are one template");
        assert_eq!(r.docs.len(), 2);
        // The analyst may read the victims' selectors in the store, but a report withholds them.
        assert!(r.docs[0].doc.selectors.iter().any(|s| s.role == "victim"));
        let html = r.html("2026-01-01T00:00:00Z");
        for form in [
            "+66812345678",
            "81 234 5678",
            "+66819876543",
            "81 987 6543",
            "kk_recruit_hr",
        ] {
            assert!(
                !html.contains(form),
                "victim's selector {form} in the report"
            );
        }
        assert_eq!(
            html.matches("<span class=\"withheld\">").count(),
            4,
            "two per plea"
        );
        assert!(html.contains("TLP:RED"));
        assert!(html.contains("trapped"));
    });
}

#[test]
fn a_report_holds_only_what_the_viewer_may_read() {
    each_backend(|be: &Backend| {
        let s = fixture(be);
        // A reader of the same organisation cannot read the RED plea.
        let r = CaseReport::gather(&*s, &reader("ngo-a"), 1)
            .unwrap()
            .expect("cluster visible");
        assert_eq!(r.docs.len(), 3);
        let html = r.html("2026-01-01T00:00:00Z");
        assert!(html.contains("TLP:AMBER"));
        assert!(
            CaseReport::gather(&*s, &reader("ngo-a"), 4)
                .unwrap()
                .is_none(),
            "the RED pleas"
        );
        // Another organisation sees no cluster at all.
        assert!(
            CaseReport::gather(&*s, &analyst("police-b"), 1)
                .unwrap()
                .is_none()
        );
    });
}
