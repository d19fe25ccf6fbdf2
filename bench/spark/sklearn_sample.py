"""A labelled SMS sample (../shared/data, UCI SMS Spam Collection) to fit the scikit-learn alternative of
bench/spark on the driver. Only for the speed comparison: its quality is bench/classifier's subject."""
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("REDFLAG_SHARED_DATA", ROOT.parent / "shared" / "data"))


def labelled_sample():
    p = SHARED / "sms-spam-uci" / "SMSSpamCollection"
    texts, labels = [], []
    for line in p.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if text:
            texts.append(text)
            labels.append(int(label == "spam"))
    return texts, labels
