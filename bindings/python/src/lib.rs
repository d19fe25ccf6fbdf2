//! Python bindings of the redflag engine: the same packs, models and JSON contract as `redflag scan`,
//! for PySpark jobs and notebooks. A thin shell: every decision lives in `redflag-core`.
//!
//! The engine is built once per process (the first call) and shared by every thread. Scanning releases
//! the GIL and runs over all cores (rayon), so a Spark executor's Python worker is not the bottleneck.
//! Texts are read in place: from Python `str` objects through their UTF-8 cache (no copy for ASCII, one
//! UTF-8 encoding kept by CPython otherwise), and from Arrow string arrays through the Arrow C data
//! interface (`__arrow_c_array__`), which hands over pyarrow's buffers without copying them.
use std::sync::OnceLock;

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};
use arrow_array::{Array, LargeStringArray, StringArray, StringViewArray};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList, PyString, PyTuple};
use rayon::prelude::*;
use redflag_core::{DocKind, Document, Engine, Lang, Report};

static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();

/// The bundled engine, built on first use.
fn engine() -> PyResult<&'static Engine> {
    ENGINE
        .get_or_init(|| Engine::builtin().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| PyRuntimeError::new_err(format!("the bundled packs failed to load: {e}")))
}

/// How each document's kind is given: one for all, or one per document.
enum Kinds {
    All(Option<DocKind>),
    Each(Vec<Option<DocKind>>),
}

impl Kinds {
    fn from_py(kinds: Option<&Bound<'_, PyAny>>, n: usize) -> PyResult<Kinds> {
        let Some(k) = kinds else {
            return Ok(Kinds::All(None));
        };
        if k.is_none() {
            return Ok(Kinds::All(None));
        }
        if let Ok(s) = k.cast::<PyString>() {
            return Ok(Kinds::All(Some(DocKind::parse(s.to_str()?))));
        }
        let mut each = Vec::with_capacity(n);
        for (i, item) in k.try_iter()?.enumerate() {
            let item = item?;
            each.push(if item.is_none() {
                None
            } else {
                let s = item.cast::<PyString>().map_err(|_| {
                    PyTypeError::new_err(format!("kinds[{i}]: expected str or None"))
                })?;
                Some(DocKind::parse(s.to_str()?))
            });
        }
        if each.len() != n {
            return Err(PyValueError::new_err(format!(
                "kinds has {} entries for {n} texts",
                each.len()
            )));
        }
        Ok(Kinds::Each(each))
    }

    fn get(&self, i: usize) -> Option<DocKind> {
        match self {
            Kinds::All(k) => *k,
            Kinds::Each(v) => v[i],
        }
    }
}

fn parse_lang(lang: Option<&str>) -> PyResult<Option<Lang>> {
    match lang {
        None => Ok(None),
        Some(code) => Lang::from_code(code)
            .map(Some)
            .ok_or_else(|| PyValueError::new_err(format!("unknown language code {code:?}"))),
    }
}

/// Scan borrowed texts over all cores; `None` texts (Arrow nulls, Python `None`) give `None`.
/// `first_id` numbers the documents (1-based record numbers, as the CLI does) when no ids are given.
fn scan_all(
    engine: &Engine,
    texts: &[Option<&str>],
    kinds: &Kinds,
    first_id: usize,
) -> Vec<Option<Report>> {
    texts
        .par_iter()
        .enumerate()
        .map(|(i, t)| {
            t.map(|text| {
                let mut doc = Document::new((first_id + i).to_string(), text);
                doc.kind = kinds.get(i);
                engine.analyze(&doc)
            })
        })
        .collect()
}

fn to_py_list<'py>(py: Python<'py>, reports: &[Option<Report>]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for r in reports {
        match r {
            Some(r) => list.append(pythonize::pythonize(py, r)?)?,
            None => list.append(py.None())?,
        }
    }
    Ok(list)
}

/// Borrow the UTF-8 of every item of a Python sequence of `str` (or `None`).
fn borrow_strs<'a, 'py>(items: &'a [Bound<'py, PyAny>]) -> PyResult<Vec<Option<&'a str>>> {
    items
        .iter()
        .enumerate()
        .map(|(i, o)| {
            if o.is_none() {
                return Ok(None);
            }
            let s = o.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "texts[{i}]: expected str or None, got {}",
                    o.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            })?;
            Ok(Some(s.to_str()?))
        })
        .collect()
}

/// Scan a list (or any iterable) of `str`; returns one dict per text in the JSONL contract of
/// `redflag scan` (`None` for a `None` text).
#[pyfunction]
#[pyo3(signature = (texts, kinds=None, first_id=1))]
fn scan_list<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    kinds: Option<&Bound<'py, PyAny>>,
    first_id: usize,
) -> PyResult<Bound<'py, PyList>> {
    let engine = engine()?;
    let items: Vec<Bound<'py, PyAny>> = texts.try_iter()?.collect::<PyResult<_>>()?;
    let strs = borrow_strs(&items)?;
    let kinds = Kinds::from_py(kinds, strs.len())?;
    let reports = py.detach(|| scan_all(engine, &strs, &kinds, first_id));
    to_py_list(py, &reports)
}

/// An Arrow string array imported through the C data interface; it owns (a reference to) pyarrow's
/// buffers, so its `&str`s stay valid while the GIL is released.
enum ArrowStrings {
    Utf8(StringArray),
    Large(LargeStringArray),
    View(StringViewArray),
}

impl ArrowStrings {
    fn import(obj: &Bound<'_, PyAny>) -> PyResult<ArrowStrings> {
        if !obj.hasattr("__arrow_c_array__")? {
            return Err(PyTypeError::new_err(
                "expected an Arrow array (an object with __arrow_c_array__, e.g. pyarrow.Array)",
            ));
        }
        let pair = obj.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>()?;
        let schema_cap = pair.get_item(0)?;
        let array_cap = pair.get_item(1)?;
        let schema_cap = schema_cap.cast::<PyCapsule>()?;
        let array_cap = array_cap.cast::<PyCapsule>()?;
        let schema_ptr = schema_cap
            .pointer_checked(Some(c"arrow_schema"))?
            .cast::<FFI_ArrowSchema>();
        let array_ptr = array_cap
            .pointer_checked(Some(c"arrow_array"))?
            .cast::<FFI_ArrowArray>();
        // SAFETY: the capsules hold a valid ArrowSchema and ArrowArray (their names were checked);
        // `from_raw` moves the array out and leaves it released, so the capsule's destructor does
        // nothing; the schema is only borrowed for the import.
        let data = unsafe {
            let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr());
            from_ffi(array, schema_ptr.as_ref())
        }
        .map_err(|e| PyValueError::new_err(format!("cannot import the Arrow array: {e}")))?;
        let arr = arrow_array::make_array(data);
        let any = arr.as_any();
        if let Some(a) = any.downcast_ref::<StringArray>() {
            Ok(ArrowStrings::Utf8(a.clone()))
        } else if let Some(a) = any.downcast_ref::<LargeStringArray>() {
            Ok(ArrowStrings::Large(a.clone()))
        } else if let Some(a) = any.downcast_ref::<StringViewArray>() {
            Ok(ArrowStrings::View(a.clone()))
        } else {
            Err(PyTypeError::new_err(format!(
                "expected an Arrow string array (utf8, large_utf8 or utf8_view), got {}",
                arr.data_type()
            )))
        }
    }

    fn strs(&self) -> Vec<Option<&str>> {
        match self {
            ArrowStrings::Utf8(a) => a.iter().collect(),
            ArrowStrings::Large(a) => a.iter().collect(),
            ArrowStrings::View(a) => a.iter().collect(),
        }
    }
}

/// Scan an Arrow string array in place (no copy of the texts); returns one dict per text, as `scan_list`.
#[pyfunction]
#[pyo3(signature = (array, kinds=None, first_id=1))]
fn scan_arrow<'py>(
    py: Python<'py>,
    array: &Bound<'py, PyAny>,
    kinds: Option<&Bound<'py, PyAny>>,
    first_id: usize,
) -> PyResult<Bound<'py, PyList>> {
    let engine = engine()?;
    let arr = ArrowStrings::import(array)?;
    let strs = arr.strs();
    let kinds = Kinds::from_py(kinds, strs.len())?;
    let reports = py.detach(|| scan_all(engine, &strs, &kinds, first_id));
    to_py_list(py, &reports)
}

/// Flat columns of the reports, ready for a DataFrame or a Parquet file: scores, bands, the rule ids
/// behind each score, distress urgency and flags, and the selectors as a list of dicts per document.
fn columns<'py>(py: Python<'py>, reports: &[Option<Report>]) -> PyResult<Bound<'py, PyDict>> {
    let n = reports.len();
    let mut lang = Vec::with_capacity(n);
    let mut score: [Vec<Option<f64>>; 3] = Default::default();
    let mut band: [Vec<Option<&str>>; 3] = Default::default();
    let mut rules: [Vec<Option<Vec<&str>>>; 3] = Default::default();
    let mut urgency = Vec::with_capacity(n);
    let mut flags = Vec::with_capacity(n);
    let selectors = PyList::empty(py);
    for r in reports {
        let Some(r) = r else {
            lang.push(None);
            for t in 0..3 {
                score[t].push(None);
                band[t].push(None);
                rules[t].push(None);
            }
            urgency.push(None);
            flags.push(None);
            selectors.append(py.None())?;
            continue;
        };
        lang.push(Some(r.lang.as_str()));
        for (t, a) in [&r.lure, &r.scam, &r.distress.assessment]
            .into_iter()
            .enumerate()
        {
            score[t].push(Some((a.score * 10_000.0).round() / 10_000.0));
            band[t].push(Some(a.band.name()));
            rules[t].push(Some(a.findings.iter().map(|f| f.rule.as_str()).collect()));
        }
        urgency.push(Some(r.distress.urgency));
        flags.push(Some(r.distress.flags.clone()));
        selectors.append(pythonize::pythonize(py, &r.selectors)?)?;
    }
    let out = PyDict::new(py);
    out.set_item("lang", lang)?;
    for (t, name) in ["lure", "scam", "distress"].into_iter().enumerate() {
        out.set_item(format!("{name}_score"), &score[t])?;
        out.set_item(format!("{name}_band"), &band[t])?;
        out.set_item(format!("{name}_rules"), &rules[t])?;
    }
    out.set_item("distress_urgency", urgency)?;
    out.set_item("distress_flags", flags)?;
    out.set_item("selectors", selectors)?;
    Ok(out)
}

/// Scan texts (an Arrow string array, or a list of `str`) and return flat columns (a dict of lists).
#[pyfunction]
#[pyo3(signature = (texts, kinds=None))]
fn scan_columns<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let engine = engine()?;
    let reports = if texts.hasattr("__arrow_c_array__")? {
        let arr = ArrowStrings::import(texts)?;
        let strs = arr.strs();
        let kinds = Kinds::from_py(kinds, strs.len())?;
        py.detach(|| scan_all(engine, &strs, &kinds, 1))
    } else {
        let items: Vec<Bound<'py, PyAny>> = texts.try_iter()?.collect::<PyResult<_>>()?;
        let strs = borrow_strs(&items)?;
        let kinds = Kinds::from_py(kinds, strs.len())?;
        py.detach(|| scan_all(engine, &strs, &kinds, 1))
    };
    columns(py, &reports)
}

/// Explain one text in full: the dict of `redflag check`'s JSON (findings, selectors, bands).
#[pyfunction]
#[pyo3(signature = (text, kind=None, lang=None, id="1"))]
fn check<'py>(
    py: Python<'py>,
    text: &str,
    kind: Option<&str>,
    lang: Option<&str>,
    id: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let engine = engine()?;
    let mut doc = Document::new(id, text);
    doc.kind = kind.map(DocKind::parse);
    doc.lang = parse_lang(lang)?;
    let report = py.detach(|| engine.analyze(&doc));
    Ok(pythonize::pythonize(py, &report)?)
}

/// The selectors of one text (phones, handles, wallets, links), each a dict with kind, value, raw,
/// start, end, valid and role, as in the JSONL contract.
#[pyfunction]
#[pyo3(signature = (text, lang=None))]
fn extract_selectors<'py>(
    py: Python<'py>,
    text: &str,
    lang: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let engine = engine()?;
    let mut doc = Document::new("1", text);
    doc.lang = parse_lang(lang)?;
    // The full analysis, because a selector's role (a victim's own number in a plea) depends on it.
    let report = py.detach(|| engine.analyze(&doc));
    Ok(pythonize::pythonize(py, &report.selectors)?)
}

/// The packs and models loaded: versions and counts, for provenance in a job's output.
#[pyfunction]
fn info<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
    let engine = engine()?;
    let out = PyDict::new(py);
    out.set_item("version", env!("CARGO_PKG_VERSION"))?;
    let packs = PyList::empty(py);
    for p in engine.packs() {
        let d = PyDict::new(py);
        d.set_item("task", p.task.name())?;
        d.set_item("version", &p.version)?;
        d.set_item("rules", p.rules.len())?;
        packs.append(d)?;
    }
    out.set_item("packs", packs)?;
    let models = PyList::empty(py);
    for m in engine.models() {
        let d = PyDict::new(py);
        d.set_item("name", &m.info.name)?;
        d.set_item("task", &m.info.task)?;
        models.append(d)?;
    }
    out.set_item("models", models)?;
    Ok(out)
}

#[pymodule]
fn _redflag(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan_list, m)?)?;
    m.add_function(wrap_pyfunction!(scan_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(scan_columns, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(extract_selectors, m)?)?;
    m.add_function(wrap_pyfunction!(info, m)?)?;
    Ok(())
}
