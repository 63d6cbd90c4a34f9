"""The analyst's alternative to the pull's transform, for the benchmark only: pandas reads the same
export, keeps the window's rows, averages each person's weeks per metric and buckets the means with
the same default ranges (searchsorted). Prints rows, employees, milliseconds and peak RSS as JSON.
Usage: transform_pandas.py <file.csv> <from> <to> <ranges-json>"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

path, first, last, ranges_json = sys.argv[1:5]
ranges = json.loads(ranges_json)  # {column: [m1, m2, m3]}
started = time.perf_counter()
frame = pd.read_csv(path)
rows = len(frame)
dates = frame["MetricDate"].astype(str).str.slice(0, 10)
# Inactive weeks count in no mean, as in the app (SPEC section 9).
window = frame[(dates >= first) & (dates <= last) & (frame["IsActive"].astype(str).str.upper() == "TRUE")]
means = window.groupby("PersonId")[list(ranges)].mean()
buckets = [0, 0, 0, 0]
for column, edges in ranges.items():
    values = means[column].dropna().to_numpy()
    # Bucket 1 is below m1, ..., bucket 4 is m3 or more: side="right" puts a value equal to m into the next bucket.
    counts = np.bincount(np.searchsorted(np.asarray(edges, dtype=float), values, side="right"), minlength=4)
    buckets = [b + int(c) for b, c in zip(buckets, counts)]
ms = (time.perf_counter() - started) * 1000
print(json.dumps({"rows": rows, "employees": int(len(means)), "buckets": buckets, "ms": ms, "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
