#!/usr/bin/python3
"""Prequential (test-then-train) accuracy of scikit-learn's SGDClassifier.partial_fit on the streams
`streamlearn evaluate --write-csv` writes, so that both see the same examples in the same order.

    java -jar target/streamlearn.jar evaluate --data sea --no-png --write-csv target/peers/sea.csv
    /usr/bin/python3 bench/peers/sklearn_prequential.py target/peers/sea.csv

Each example is predicted first (an unfitted model answers class 0), then learned from with
partial_fit. With online scaling, a StandardScaler scores the example with the statistics of the
examples before it, then partial_fit adds it (River's StandardScaler order). Prints one line per
configuration: accuracy, examples, seconds.
"""
import sys
import time

import numpy as np
from sklearn.linear_model import SGDClassifier
from sklearn.preprocessing import StandardScaler

CONFIGS = [
    ("sgd hinge (defaults)", dict(), False),
    ("sgd log_loss", dict(loss="log_loss"), False),
    ("scaled + sgd hinge", dict(), True),
    ("scaled + sgd log_loss", dict(loss="log_loss"), True),
]


def read(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return data[:, :-1], data[:, -1].astype(int)


def prequential(x, y, params, scale, seed=42):
    classes = np.unique(y)
    model = SGDClassifier(random_state=seed, **params)
    scaler = StandardScaler() if scale else None
    fitted = False
    correct = 0
    for i in range(len(y)):
        xi = x[i:i + 1]
        if scaler is not None:
            xs = scaler.transform(xi) if i > 0 else np.zeros_like(xi)
            xs = np.nan_to_num(xs)
        else:
            xs = xi
        predicted = model.predict(xs)[0] if fitted else classes[0]
        correct += int(predicted == y[i])
        if scaler is not None:
            scaler.partial_fit(xi)
            xs = np.nan_to_num(scaler.transform(xi))
        model.partial_fit(xs, y[i:i + 1], classes=classes)
        fitted = True
    return correct / len(y)


def main():
    for path in sys.argv[1:]:
        x, y = read(path)
        for name, params, scale in CONFIGS:
            start = time.time()
            acc = prequential(x, y, params, scale)
            print(f"{path}\t{name}\t{acc:.4f}\t{len(y)}\t{time.time() - start:.1f}s", flush=True)


if __name__ == "__main__":
    main()
