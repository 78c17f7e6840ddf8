#!/usr/bin/python3
"""check_includes.py on a small tree: a breach is reported with file and line, an allowed include
(a named folder, a named row's public value type, the folder's own files) is not."""
import os
import subprocess
import sys
import tempfile

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'check_includes.py')

TABLE = """# x

| folder | role | may include |
|---|---|---|
| `include/dlasim/` | public | the standard library |
| `low` | below | `include/dlasim/types.h` |
| `mid` | middle | `low`, Eigen |
| `top` | above | everything below |
"""


def tree(files):
    root = tempfile.mkdtemp()
    files = dict(files)
    files['docs/architecture.md'] = TABLE
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)
    return root


def run(root):
    p = subprocess.run([sys.executable, CHECK, root], capture_output=True, text=True)
    return p.returncode, p.stdout


base = {'include/dlasim/types.h': '', 'include/dlasim/plan.h': '', 'low/a.h': '',
        'low/b.h': '#include "low/a.h"\n#include "dlasim/types.h"\n',
        'mid/c.cpp': '#include "low/a.h"\n#include "dlasim/types.h"\n#include <Eigen/Dense>\n',
        'top/d.cpp': '#include "mid/c.cpp"\n#include "dlasim/plan.h"\n'}
rc, out = run(tree(base))
assert rc == 0 and out == '', (rc, out)

breach = dict(base)
breach['low/b.h'] += '#include "mid/c.cpp"\n'
breach['mid/e.cpp'] = '\n#include "dlasim/plan.h"\n'
rc, out = run(tree(breach))
assert rc == 1, (rc, out)
assert 'low/b.h:3: low includes "mid/c.cpp"' in out, out
assert 'mid/e.cpp:2: mid includes "dlasim/plan.h"' in out, out
assert len(out.splitlines()) == 2, out

rc, out = run(tree({'x/y.cpp': ''}) + '/nonexistent')
assert rc == 2 and 'no ' in out, (rc, out)
print('ok')
