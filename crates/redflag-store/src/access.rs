//! Need-to-know access: who may see or write what. Every decision is made by [`decide`], and
//! nowhere else: the store fetches candidates, then keeps only what `decide` allows, so a result, a
//! count or a cluster can never reveal that another organisation holds AMBER or RED data.
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A Traffic Light Protocol 2.0 marking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Tlp {
    /// Disclosure is not limited.
    Clear,
    /// Limited to the community.
    Green,
    /// Limited to the organisation and its clients.
    Amber,
    /// Limited to the organisation only.
    AmberStrict,
    /// For the eyes and ears of named recipients only.
    Red,
}

impl Tlp {
    /// The marking as written (`TLP:` prefix left off): CLEAR, GREEN, AMBER, AMBER+STRICT, RED.
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "CLEAR",
            Tlp::Green => "GREEN",
            Tlp::Amber => "AMBER",
            Tlp::AmberStrict => "AMBER+STRICT",
            Tlp::Red => "RED",
        }
    }

    /// Every marking, least restrictive first.
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tlp {
    type Err = String;
    fn from_str(s: &str) -> Result<Tlp, String> {
        let u = s.trim().to_ascii_uppercase();
        let u = u.strip_prefix("TLP:").unwrap_or(&u);
        Ok(match u {
            "CLEAR" | "WHITE" => Tlp::Clear,
            "GREEN" => Tlp::Green,
            "AMBER" => Tlp::Amber,
            "AMBER+STRICT" | "AMBER-STRICT" | "AMBER_STRICT" => Tlp::AmberStrict,
            "RED" => Tlp::Red,
            _ => {
                return Err(format!(
                    "unknown TLP marking {s:?} (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)"
                ));
            }
        })
    }
}

/// What a person may do inside their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Role {
    /// Reads what is shared with the organisation up to AMBER+STRICT; writes nothing.
    Reader,
    /// Ingests, judges, clusters; reads RED of the own organisation.
    Analyst,
    /// An analyst who also administers the organisation's data (purge, watchlists).
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Reader, Role::Analyst, Role::Admin];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            // DESIGN.md and the web pages call a reader a viewer.
            "reader" | "viewer" => Ok(Role::Reader),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            _ => Err(format!("unknown role {s:?} (reader, analyst, admin)")),
        }
    }
}

/// Who is asking: every store call takes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Viewer {
    /// The organisation.
    pub org: String,
    /// The role in it.
    pub role: Role,
}

impl Viewer {
    /// A viewer.
    pub fn new(org: impl Into<String>, role: Role) -> Viewer {
        Viewer {
            org: org.into(),
            role,
        }
    }
}

/// Who holds an item and how it is marked: an observation's org and TLP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark<'a> {
    /// The organisation that observed (owns) the item.
    pub org: &'a str,
    /// Its marking.
    pub tlp: Tlp,
}

/// What is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read an observation and the content, assessments and contact selectors it carries.
    Read,
    /// Read a selector whose role is `victim` (found in a rescue plea): it never leaves the
    /// organisation, whatever the marking says.
    ReadVictimSelector,
    /// Write: ingest into, or judge for, the organisation.
    Write,
    /// Rebuild the shared link graph and clusters (a system task; results are still read through
    /// [`Action::Read`]).
    Maintain,
    /// Administer the organisation: its users, roles, API tokens, retention (purge).
    Administer,
}

/// The one access decision.
///
/// | marking | same org, reader | same org, analyst/admin | other org |
/// |---|---|---|---|
/// | CLEAR, GREEN | read | read | read |
/// | AMBER, AMBER+STRICT | read | read | — |
/// | RED | — | read | — |
///
/// AMBER is shared with no other organisation here: sharing with a partner happens through an
/// explicit export, never by a query. Victims' selectors are read only inside the organisation that
/// holds the observation. Writing and maintenance need an analyst or admin, and writing is always
/// into the viewer's own organisation. Administering (users, roles, tokens, purge) needs an admin of
/// that organisation. Cases and screenings are marked items like observations and go through the
/// same rules (a screening is read as a victim's data: inside its organisation only).
pub fn decide(viewer: &Viewer, action: Action, mark: Mark<'_>) -> bool {
    let same_org = viewer.org == mark.org;
    let analyst = matches!(viewer.role, Role::Analyst | Role::Admin);
    match action {
        Action::Read => match mark.tlp {
            Tlp::Clear | Tlp::Green => true,
            Tlp::Amber | Tlp::AmberStrict => same_org,
            Tlp::Red => same_org && analyst,
        },
        Action::ReadVictimSelector => same_org && decide(viewer, Action::Read, mark),
        Action::Write | Action::Maintain => same_org && analyst,
        Action::Administer => same_org && viewer.role == Role::Admin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full matrix: org (same/other) × role × TLP × action, against the table above.
    #[test]
    fn access_matrix() {
        for same in [true, false] {
            for role in Role::ALL {
                for tlp in Tlp::ALL {
                    let viewer = Viewer::new("ngo-a", role);
                    let mark = Mark {
                        org: if same { "ngo-a" } else { "police-b" },
                        tlp,
                    };
                    let analyst = role != Role::Reader;
                    let read = match tlp {
                        Tlp::Clear | Tlp::Green => true,
                        Tlp::Amber | Tlp::AmberStrict => same,
                        Tlp::Red => same && analyst,
                    };
                    assert_eq!(
                        decide(&viewer, Action::Read, mark),
                        read,
                        "read {same} {role:?} {tlp}"
                    );
                    assert_eq!(
                        decide(&viewer, Action::ReadVictimSelector, mark),
                        read && same,
                        "victim {same} {role:?} {tlp}"
                    );
                    assert_eq!(
                        decide(&viewer, Action::Write, mark),
                        same && analyst,
                        "write {same} {role:?} {tlp}"
                    );
                    assert_eq!(decide(&viewer, Action::Maintain, mark), same && analyst);
                    assert_eq!(
                        decide(&viewer, Action::Administer, mark),
                        same && role == Role::Admin,
                        "administer {same} {role:?} {tlp}"
                    );
                }
            }
        }
    }

    #[test]
    fn victim_selectors_never_leave_the_org_even_when_clear() {
        let other = Viewer::new("police-b", Role::Admin);
        let mark = Mark {
            org: "ngo-a",
            tlp: Tlp::Clear,
        };
        assert!(decide(&other, Action::Read, mark));
        assert!(!decide(&other, Action::ReadVictimSelector, mark));
    }

    #[test]
    fn tlp_parses_written_forms() {
        assert_eq!("TLP:AMBER+STRICT".parse::<Tlp>(), Ok(Tlp::AmberStrict));
        assert_eq!("red".parse::<Tlp>(), Ok(Tlp::Red));
        assert_eq!("white".parse::<Tlp>(), Ok(Tlp::Clear));
        assert!("PINK".parse::<Tlp>().is_err());
        for t in Tlp::ALL {
            assert_eq!(t.as_str().parse::<Tlp>(), Ok(t));
        }
    }
}
