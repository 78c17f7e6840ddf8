#!/usr/bin/python3
"""Checks every #include "..." of the library's folders against the "may include" table of
docs/architecture.md section 1, the single statement of the module layering.

Usage: check_includes.py REPO_ROOT   (exit 1 and one line per breach when a folder includes a
file its row does not allow; exit 2 when the table cannot be read)

A row's first column names a folder (`sim/ir`, `hwmodels/`); its last column lists, separated
by commas, what it may include besides its own files: folders or files (`sim` allows every
sim/ folder), and libraries (names that are not repository paths are ignored: the build's
include paths hold those). "everything below" allows the whole library. The public value types
a row lists (files under include/dlasim) may also be included by the rows that name it: they
are that folder's vocabulary. A file belongs to the row with the longest matching folder; an
include resolves against the repository root, then include/, then the including file's folder.
"""
import os
import re
import sys


def read_table(root):
    path = os.path.join(root, 'docs', 'architecture.md')
    rows = {}
    in_table = False
    if not os.path.isfile(path):
        print('check_includes: no ' + path)
        sys.exit(2)
    for line in open(path, encoding='utf-8'):
        if line.startswith('| folder | role | may include |'):
            in_table = True
            continue
        if in_table:
            if not line.startswith('|'):
                break
            cells = [c.strip() for c in line.strip().strip('|').split('|')]
            if set(cells[0]) <= set('-: '):
                continue
            folder = cells[0].strip('`').rstrip('/')
            allowed = []
            for item in cells[-1].split(','):
                item = item.strip()
                quoted = re.findall(r'`([^`]+)`', item)
                allowed += [q.rstrip('/') for q in quoted] or item.split()[:1]
            if 'everything below' in cells[-1]:
                allowed.append('*')
            rows[folder] = allowed
    if not rows:
        print('check_includes: no "| folder | role | may include |" table in ' + path)
        sys.exit(2)
    return rows


def allows(rows, mine, path):
    """Whether a file of row `mine` may include the repository file `path`."""
    for a in rows[mine]:
        if within(path, a):
            return True
        if path.startswith('include/dlasim/') and a in rows:  # a named row's value types
            if any(within(path, b) for b in rows[a] if b.startswith('include/dlasim')):
                return True
    return False


def owner(rel, rows):
    """The table folder a repository path belongs to (longest match), or None."""
    best = None
    for folder in rows:
        if rel == folder or rel.startswith(folder + '/'):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def within(target, allowed):
    return target == allowed or target.startswith(allowed + '/') or allowed == '*'


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = os.path.abspath(sys.argv[1])
    rows = read_table(root)
    breaches = []
    for folder in sorted(rows):
        base = os.path.join(root, folder)
        for dirpath, _, files in os.walk(base):
            for name in sorted(files):
                if not name.endswith(('.h', '.hpp', '.cpp', '.cc', '.def')):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                mine = owner(rel, rows)
                if mine != folder:
                    continue  # a deeper row owns it
                for n, line in enumerate(open(path, encoding='utf-8', errors='replace'), 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    inc = m.group(1)
                    for cand in (inc, os.path.join('include', inc),
                                 os.path.relpath(os.path.join(dirpath, inc), root)):
                        if os.path.isfile(os.path.join(root, cand)):
                            cand = os.path.normpath(cand)
                            target = owner(cand, rows)
                            break
                    else:
                        continue  # generated at build time or a library's header
                    if target is None or target == mine:
                        continue
                    if not allows(rows, mine, cand):
                        breaches.append(f'{rel}:{n}: {mine} includes "{inc}" ({target}), '
                                        f'which its row of docs/architecture.md does not allow')
    for b in breaches:
        print(b)
    return 1 if breaches else 0


if __name__ == '__main__':
    sys.exit(main())
