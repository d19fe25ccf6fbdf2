//! One SQL text for both backends: the workspace tables (accounts, sessions, cases, screenings,
//! the audit chain) are small and written once, with `$1`-style parameters, over this interface.
//! SQLite reads `$N` as `?N`. Parameters are always bound, never spliced into the text.
use crate::Result;

/// A bound value or a read cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// An integer (BIGINT, INTEGER, BOOLEAN read as 0/1).
    Int(i64),
    /// A text.
    Text(String),
    /// NULL (bound as a NULL text).
    Null,
    /// NULL bound as a NULL integer (PostgreSQL checks the type).
    NullInt,
}

impl Val {
    /// The integer, or 0.
    pub fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            Val::Text(t) => t.parse().unwrap_or(0),
            Val::Null | Val::NullInt => 0,
        }
    }

    /// The text, or "".
    pub fn text(&self) -> String {
        match self {
            Val::Text(t) => t.clone(),
            Val::Int(i) => i.to_string(),
            Val::Null | Val::NullInt => String::new(),
        }
    }

    /// The text, None for NULL.
    pub fn opt_text(&self) -> Option<String> {
        match self {
            Val::Null | Val::NullInt => None,
            v => Some(v.text()),
        }
    }
}

impl From<i64> for Val {
    fn from(i: i64) -> Val {
        Val::Int(i)
    }
}
impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(s.to_string())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(s)
    }
}
impl From<&String> for Val {
    fn from(s: &String) -> Val {
        Val::Text(s.clone())
    }
}
impl From<Option<&str>> for Val {
    fn from(s: Option<&str>) -> Val {
        s.map_or(Val::Null, Val::from)
    }
}

/// A transaction of either backend.
pub trait Sql {
    /// Run a statement; rows changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64>;
    /// Run a query; every row's cells.
    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>>;
    /// PostgreSQL (for the few statements whose dialect differs).
    fn is_pg(&self) -> bool;
}

/// SQLite's side.
pub(crate) struct Lite<'a>(pub(crate) &'a rusqlite::Connection);

fn lite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

impl Sql for Lite<'_> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let mut st = self.0.prepare_cached(&lite_sql(sql))?;
        let n = st.execute(rusqlite::params_from_iter(params.iter().map(lite_param)))?;
        Ok(n as u64)
    }

    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>> {
        let mut st = self.0.prepare_cached(&lite_sql(sql))?;
        let n = st.column_count();
        let mut rows = st.query(rusqlite::params_from_iter(params.iter().map(lite_param)))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                use rusqlite::types::ValueRef;
                row.push(match r.get_ref(i)? {
                    ValueRef::Null => Val::Null,
                    ValueRef::Integer(v) => Val::Int(v),
                    ValueRef::Real(v) => Val::Text(v.to_string()),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Val::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(row);
        }
        Ok(out)
    }

    fn is_pg(&self) -> bool {
        false
    }
}

fn lite_param(v: &Val) -> rusqlite::types::Value {
    match v {
        Val::Int(i) => rusqlite::types::Value::Integer(*i),
        Val::Text(t) => rusqlite::types::Value::Text(t.clone()),
        Val::Null | Val::NullInt => rusqlite::types::Value::Null,
    }
}

fn pg_params(params: &[Val]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|v| -> Box<dyn postgres::types::ToSql + Sync> {
            match v {
                Val::Int(i) => Box::new(*i),
                Val::Text(t) => Box::new(t.clone()),
                Val::Null => Box::new(Option::<String>::None),
                Val::NullInt => Box::new(Option::<i64>::None),
            }
        })
        .collect()
}

impl Sql for postgres::Transaction<'_> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let p = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = p.iter().map(|b| &**b).collect();
        Ok(self.execute(sql, &refs)?)
    }

    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>> {
        use postgres::types::Type;
        let p = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = p.iter().map(|b| &**b).collect();
        let rows = self.query(sql, &refs)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut row = Vec::with_capacity(r.len());
            for (i, c) in r.columns().iter().enumerate() {
                let t = c.type_();
                let v = if *t == Type::INT8 {
                    r.try_get::<_, Option<i64>>(i)?.map_or(Val::Null, Val::Int)
                } else if *t == Type::INT4 {
                    r.try_get::<_, Option<i32>>(i)?
                        .map_or(Val::Null, |v| Val::Int(v.into()))
                } else if *t == Type::BOOL {
                    r.try_get::<_, Option<bool>>(i)?
                        .map_or(Val::Null, |v| Val::Int(v.into()))
                } else if *t == Type::FLOAT8 {
                    r.try_get::<_, Option<f64>>(i)?
                        .map_or(Val::Null, |v| Val::Text(v.to_string()))
                } else {
                    r.try_get::<_, Option<String>>(i)?
                        .map_or(Val::Null, Val::Text)
                };
                row.push(v);
            }
            out.push(row);
        }
        Ok(out)
    }

    fn is_pg(&self) -> bool {
        true
    }
}
