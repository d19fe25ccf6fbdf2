"""redflag in a PySpark job: scan a table of texts with the Python module inside Arrow batches
(`mapInArrow`), write Parquet with scores, bands and selectors, then build the shared-selector link table
that the store's clusters are made of.

    python bench/spark/scan.py --input posts.parquet --text-column text --out scored.parquet \
        --links links.parquet [--id-column id] [--kind-column kind] [--master local[2]] [--hub-limit 50]

`--input` is Parquet (a file or a directory) or CSV (`.csv`, with a header). Each executor's Python worker
builds the engine once and scans a whole Arrow batch per call, with the GIL released.

`--engine sklearn` runs the same job with the alternative a Python team would write: the scikit-learn
pipeline of bench/classifier (TF-IDF word 1–2 + char 2–5 grams, logistic regression), trained on the driver
and applied per batch with `mapInPandas`. It gives one probability, no reasons and no selectors: it is
there to compare speeds (bench/spark/run.py).
"""
from __future__ import annotations

import argparse
import sys
import time

SCORED_SCHEMA = (
    "id string, lang string, "
    "lure_score double, lure_band string, lure_rules array<string>, "
    "scam_score double, scam_band string, scam_rules array<string>, "
    "distress_score double, distress_band string, distress_rules array<string>, "
    "distress_urgency int, distress_flags array<string>, "
    "selectors array<struct<kind:string,value:string,raw:string,start:int,end:int,valid:boolean,role:string>>"
)


def arrow_schema():
    import pyarrow as pa

    sel = pa.struct([("kind", pa.string()), ("value", pa.string()), ("raw", pa.string()), ("start", pa.int32()),
                     ("end", pa.int32()), ("valid", pa.bool_()), ("role", pa.string())])
    fields = [("id", pa.string()), ("lang", pa.string())]
    for t in ("lure", "scam", "distress"):
        fields += [(f"{t}_score", pa.float64()), (f"{t}_band", pa.string()), (f"{t}_rules", pa.list_(pa.string()))]
    fields += [("distress_urgency", pa.int32()), ("distress_flags", pa.list_(pa.string())),
               ("selectors", pa.list_(sel))]
    return pa.schema(fields)


def scan_batches(text_column: str, id_column: str, kind_column: str | None):
    """The function mapInArrow runs on each executor: RecordBatches in, scored RecordBatches out."""

    def run(batches):
        import pyarrow as pa
        import redflag

        schema = arrow_schema()
        for batch in batches:
            texts = batch.column(batch.schema.get_field_index(text_column))
            kinds = None
            if kind_column:
                kinds = batch.column(batch.schema.get_field_index(kind_column)).to_pylist()
            cols = redflag.scan_columns(texts, kinds)
            cols["id"] = batch.column(batch.schema.get_field_index(id_column)).cast(pa.string())
            yield pa.RecordBatch.from_pydict({f.name: cols[f.name] for f in schema}, schema=schema)

    return run


def sklearn_batches(text_column: str, model_bytes):
    """The alternative: the scikit-learn pipeline applied per pandas batch (one probability per text)."""

    def run(frames):
        import pickle

        vec, clf = pickle.loads(model_bytes.value)
        for df in frames:
            texts = df[text_column].fillna("").tolist()
            p = clf.predict_proba(vec.transform(texts))[:, 1] if texts else []
            yield df.assign(scam_score=p)[["scam_score"]]

    return run


def train_sklearn(sample_texts, sample_labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_union

    vec = make_union(TfidfVectorizer(analyzer="word", ngram_range=(1, 2)),
                     TfidfVectorizer(analyzer="char", ngram_range=(2, 5)))
    x = vec.fit_transform(sample_texts)
    clf = LogisticRegression(max_iter=1000).fit(x, sample_labels)
    return vec, clf


def link_table(scored, hub_limit: int):
    """Documents linked by a shared valid contact selector: (id, kind, value, documents). A selector in
    more than `hub_limit` documents (a platform hotline, a bank) links nothing, as in the store; victims'
    own numbers (role victim) and hotlines never link."""
    from pyspark.sql import functions as F

    sel = (scored.select("id", F.explode("selectors").alias("s"))
           .where(F.col("s.valid") & (F.col("s.role") == "contact"))
           .select("id", F.col("s.kind").alias("kind"), F.col("s.value").alias("value"))
           .distinct())
    counts = sel.groupBy("kind", "value").agg(F.countDistinct("id").alias("documents"))
    shared = counts.where((F.col("documents") >= 2) & (F.col("documents") <= hub_limit))
    return sel.join(shared, ["kind", "value"]).select("id", "kind", "value", "documents")


def read_input(spark, path: str, text_column: str):
    if path.endswith(".csv"):
        df = spark.read.option("header", True).option("multiLine", True).option("escape", '"').csv(path)
    else:
        df = spark.read.parquet(path)
    if text_column not in df.columns:
        sys.exit(f"{path}: no column {text_column!r} (columns: {', '.join(df.columns)})")
    return df


def session(master: str, batch_rows: int):
    import os

    from pyspark.sql import SparkSession

    # The executors' Python workers run this interpreter (its venv holds redflag and pyarrow).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Spark runs one task per core already: each task's scan uses one thread, not a pool per task.
    os.environ.setdefault("RAYON_NUM_THREADS", "1")

    return (SparkSession.builder.master(master).appName("redflag-scan")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_rows))
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.ui.enabled", "false")
            .config("spark.executorEnv.RAYON_NUM_THREADS", os.environ["RAYON_NUM_THREADS"])
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--text-column", default="text")
    ap.add_argument("--id-column")
    ap.add_argument("--kind-column")
    ap.add_argument("--out", required=True, help="Parquet directory for the scored documents")
    ap.add_argument("--links", help="Parquet directory for the shared-selector link table")
    ap.add_argument("--hub-limit", type=int, default=50)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--batch-rows", type=int, default=5000)
    ap.add_argument("--engine", choices=["redflag", "sklearn"], default="redflag")
    a = ap.parse_args(argv)

    spark = session(a.master, a.batch_rows)
    try:
        df = read_input(spark, a.input, a.text_column)
        if not a.id_column:
            from pyspark.sql import functions as F

            df = df.withColumn("_redflag_id", F.monotonically_increasing_id())
            a.id_column = "_redflag_id"
        if a.engine == "redflag":
            scored = df.mapInArrow(scan_batches(a.text_column, a.id_column, a.kind_column), SCORED_SCHEMA)
        else:
            import pickle

            from sklearn_sample import labelled_sample

            # Fitted on the driver before the clock starts: only applying it is compared.
            model = spark.sparkContext.broadcast(pickle.dumps(train_sklearn(*labelled_sample())))
            scored = df.select(a.text_column).mapInPandas(sklearn_batches(a.text_column, model), "scam_score double")
        t0 = time.perf_counter()
        scored.write.mode("overwrite").parquet(a.out)
        n = spark.read.parquet(a.out).count()
        seconds = time.perf_counter() - t0
        print(f"scored {n} documents in {seconds:.1f} s ({n / seconds:.0f} docs/s) -> {a.out}", file=sys.stderr)
        if a.links and a.engine == "redflag":
            links = link_table(spark.read.parquet(a.out), a.hub_limit)
            links.write.mode("overwrite").parquet(a.links)
            print(f"links: {spark.read.parquet(a.links).count()} rows -> {a.links}", file=sys.stderr)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
