#!/usr/bin/env python3
"""Lints .github/workflows/ci.yml, which cannot run here: it parses (PyYAML
when installed; otherwise a check of tabs, indentation and the keys below
by text), has the Linux (Debian 13 container), macOS (Homebrew unicorn,
capstone, sdl2) and Windows (MSYS2 MinGW-w64 unicorn, capstone, SDL2) jobs,
each of which checks out, builds and tests, and every script the workflow
names exists. usage: check_workflow.py SOURCE_DIR"""
import os, re, sys

src = sys.argv[1]
path = os.path.join(src, '.github', 'workflows', 'ci.yml')
text = open(path, encoding='utf-8').read()
problems = []


def need(cond, msg):
    if not cond:
        problems.append(msg)


need('\t' not in text, 'a tab character (YAML indents with spaces)')
for n, line in enumerate(text.splitlines(), 1):
    indent = len(line) - len(line.lstrip(' '))
    need(indent % 2 == 0, 'line %d: odd indentation' % n)

try:
    import yaml
except ImportError:
    yaml = None

if yaml:
    doc = yaml.safe_load(text)
    need(isinstance(doc, dict), 'the file is not a mapping')
    # (YAML 1.1 reads the key `on` as true)
    need('on' in doc or True in doc, 'no `on:` triggers')
    jobs = doc.get('jobs', {})
    for name in ('linux', 'macos', 'windows'):
        need(name in jobs, 'no %s job' % name)
    steps = {j: jobs[j].get('steps', []) for j in jobs}
    runs = {j: '\n'.join(str(s.get('run', '')) for s in steps[j]) for j in jobs}
    uses = {j: ' '.join(str(s.get('uses', '')) for s in steps[j]) for j in jobs}
    for j in jobs:
        need('runs-on' in jobs[j], '%s: no runs-on' % j)
        need('actions/checkout@' in uses[j], '%s: no checkout' % j)
        need(re.search(r'ctest|scripts/test\.sh', runs[j]), '%s: runs no tests' % j)
    if 'linux' in jobs:
        need(str(jobs['linux'].get('container', '')) in ('debian:trixie', 'debian:13'),
             'linux: not in a Debian 13 container')
    if 'macos' in jobs:
        need(jobs['macos'].get('runs-on', '').startswith('macos'), 'macos: not on macOS')
        for p in ('unicorn', 'capstone', 'sdl2'):
            need(re.search(r'brew install[^\n]*\b%s\b' % p, runs['macos']), 'macos: no brew %s' % p)
    if 'windows' in jobs:
        need(jobs['windows'].get('runs-on', '').startswith('windows'), 'windows: not on Windows')
        msys = [s for s in steps['windows'] if 'setup-msys2' in str(s.get('uses', ''))]
        need(msys, 'windows: no msys2/setup-msys2 step')
        if msys:
            w = msys[0].get('with', {})
            need(w.get('msystem') == 'MINGW64', 'windows: msystem is not MINGW64')
            for p in ('unicorn', 'capstone', 'SDL2'):
                need('mingw-w64-x86_64-' + p in str(w.get('install', '')),
                     'windows: no mingw-w64-x86_64-%s' % p)
else:
    for key in ('jobs:', 'linux:', 'macos:', 'windows:', 'container: debian:trixie',
                'brew install', 'setup-msys2', 'msystem: MINGW64', 'mingw-w64-x86_64-unicorn',
                'mingw-w64-x86_64-capstone', 'mingw-w64-x86_64-SDL2', 'ctest'):
        need(key in text, 'no %r' % key)

for script in set(re.findall(r'scripts/[\w.-]+', text)):
    need(os.path.isfile(os.path.join(src, script)), 'names a missing %s' % script)

if problems:
    for p in problems:
        print('FAIL: ci.yml:', p)
    sys.exit(1)
print('ci.yml: linux, macos and windows jobs check out, build and test (%s)'
      % ('parsed by PyYAML' if yaml else 'checked as text: no PyYAML'))
