#!/usr/bin/env python3
"""The conformance suite catches wrong devices.

Usage: check_faults.py PH_CONFORM PLUGIN...

Each PLUGIN is a build of faulty_plugin.c: the cpu plugin with one planted
fault (libphc_fault_<what>.so, device "fault<what>:0"), or the control
with none (libphc_fault_none.so). For every fault this runs ph-conform on
the group that should notice it and asserts that the run fails (exit 1)
and that at least one of the tests named for that fault reports FAIL -- not
SKIP, not PASS. The control must pass the same selections (exit 0, no
FAIL), so a failure above is the fault's doing and not the suite's.
"""
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

# fault name -> (the --filter globs to run, globs of the tests that must
# catch it: at least one of them has to FAIL).
FAULTS = {
    # matmul drops c and beta: every case that adds beta * c (".c" full,
    # ".cbc" broadcast) is wrong; ".cnan" cases have beta 0 and stay right.
    'faultbeta': (['op.matmul.*'], ['op.matmul.*.c', 'op.matmul.*.c.*', 'op.matmul.*.cbc*']),
    # event_record captures nothing: cross-stream waits wait for nothing,
    # host waits return early, and the timers see never-recorded events.
    'faultevent': (['stream.*'], ['stream.wait_event', 'stream.host_wait.event_sync',
                                  'stream.host_wait.event_query', 'stream.event_rerecord',
                                  'stream.elapsed']),
    # float -> i8/i32 casts truncate instead of rounding to nearest even.
    'faultcast': (['op.cast.*'], ['op.cast.f32.to_i8.*', 'op.cast.f32.to_i32.*',
                                  'op.cast.f16.to_i8.*', 'op.cast.f16.to_i32.*',
                                  'op.cast.bf16.to_i8.*', 'op.cast.bf16.to_i32.*']),
    # memset writes one byte short.
    'faultmemset': (['memory.*'], ['memory.fill.odd']),
    # softmax is declared supported, then refused at launch: a failure,
    # never a skip.
    'faultcaps': (['op.softmax.*'], ['op.softmax.*']),
    # device-to-host copies of odd sizes lose their last byte.
    'faultcopy': (['memory.*'], ['memory.rw.odd', 'memory.copy.odd']),
    # transpose aborts the process: each transpose case fails with the
    # signal named, and the run goes on (cases run in name order, so the
    # unary cases come after the crashes).
    'faultcrash': (['op.transpose.f32.*', 'op.unary.f32.*'], ['op.transpose.f32.*']),
    # gather never returns: with --timeout 2 the case fails as timed out,
    # its worker is killed, and the run goes on (layernorm comes after).
    'faulthang': (['op.gather.f32.5x6x7.ax0.*', 'op.layernorm.f32.*'],
                  ['op.gather.f32.5x6x7.ax0.*']),
}

# Extra ph-conform arguments per fault.
EXTRA_ARGS = {'faulthang': ['--timeout', '2']}

NAME_RE = re.compile(r'libphc_fault_([a-z]+)\.so$')


def run_conform(conform, plugin, device, filters, tmpdir, extra=()):
    """Runs ph-conform on one device; returns (exit status, report or None, output)."""
    report_path = os.path.join(tmpdir, device + '.json')
    if os.path.exists(report_path):
        os.remove(report_path)
    env = dict(os.environ)
    env['PH_PLUGINS'] = plugin  # exactly this plugin, nothing scanned
    env.pop('PH_PLUGIN_PATH', None)
    env.pop('PH_DEVICES', None)
    cmd = [conform, '--device', device + ':0', '--profile', 'quick', '--no-progress',
           '--json', report_path]
    for f in filters:
        cmd += ['--filter', f]
    cmd += list(extra)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=240)
    report = None
    # A sanitizer report also exits 1 (ASan's default), which must not
    # pass for a caught fault.
    for sign in ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:'):
        if sign in proc.stdout:
            return -1, None, proc.stdout
    if os.path.exists(report_path):
        with open(report_path) as f:
            report = json.load(f)
    return proc.returncode, report, proc.stdout


def device_tests(report, device):
    """The report's tests for |device| (its id is "<name>:0")."""
    return [t for t in report.get('tests', []) if t.get('device', '').startswith(device + ':')]


def check_fault(conform, plugin, device, filters, expected, tmpdir):
    """Returns a list of problems (empty: the fault was caught)."""
    rc, report, out = run_conform(conform, plugin, device, filters, tmpdir,
                                  EXTRA_ARGS.get(device, []))
    problems = []
    if rc != 1:
        problems.append('exit status %d, expected 1 (a failure)' % rc)
    if report is None:
        return problems + ['no JSON report written; output:\n' + out[-2000:]]
    plugins = [d.get('plugin', {}).get('name') for d in report.get('devices', [])]
    if plugins != [device]:
        problems.append('report lists plugins %r, expected [%r]' % (plugins, device))
    tests = device_tests(report, device)
    failed = [t for t in tests if t.get('status') == 'FAIL']
    caught = [t for t in failed if any(fnmatch.fnmatchcase(t['name'], g) for g in expected)]
    others = [t for t in tests if any(fnmatch.fnmatchcase(t['name'], g) for g in expected)
              and t.get('status') != 'FAIL']
    if not tests:
        problems.append('no tests ran for filters %s' % ' '.join(filters))
    if not caught:
        problems.append('none of %s reported FAIL (%d tests ran, %d failed: %s)' %
                        (' '.join(expected), len(tests), len(failed),
                         ' '.join(t['name'] for t in failed[:8]) or '-'))
    else:
        print('%s: caught by %d test(s) of %d run:' % (device, len(caught), len(tests)))
        for t in caught[:6]:
            print('  FAIL %s: %s' % (t['name'], (t.get('message') or '').splitlines()[0][:160]
                                     if t.get('message') else ''))
        if len(caught) > 6:
            print('  ... and %d more' % (len(caught) - 6))
        skipped = [t['name'] for t in others if t.get('status') == 'SKIP']
        if skipped:
            print('  (%d expected tests skipped: %s)' % (len(skipped), ' '.join(skipped[:4])))
    if device in ('faultcrash', 'faulthang'):
        # Each crash or hang is explained and the run goes on: the cases
        # after the failing ones still ran and passed.
        word, later = ('signal', 'op.unary.') if device == 'faultcrash' else \
                      ('timed out', 'op.layernorm.')
        unexplained = [t['name'] for t in caught if word not in (t.get('message') or '')]
        after = [t for t in tests if t['name'].startswith(later)]
        if unexplained:
            problems.append('failures without "%s" in the message: %s' %
                            (word, ' '.join(unexplained[:4])))
        if not after or any(t.get('status') != 'PASS' for t in after):
            problems.append('the run did not go on (%d later cases, statuses %s)' %
                            (len(after), sorted({t.get('status') for t in after})))
        elif not problems:
            print('  the run went on: %d later cases passed' % len(after))
    return problems


def check_control(conform, plugin, filters, tmpdir):
    rc, report, out = run_conform(conform, plugin, 'faultnone', filters, tmpdir)
    problems = []
    if rc != 0:
        problems.append('exit status %d, expected 0' % rc)
    if report is None:
        return problems + ['no JSON report written; output:\n' + out[-2000:]]
    tests = device_tests(report, 'faultnone')
    bad = [t for t in tests if t.get('status') not in ('PASS', 'SKIP', 'XFAIL')]
    if not tests:
        problems.append('no tests ran')
    for t in bad[:8]:
        problems.append('%s %s: %s' % (t.get('status'), t['name'], t.get('message', '')))
    if not problems:
        print('faultnone: %d tests of %s, none failed' % (len(tests), ' '.join(filters)))
    return problems


def check_in_process_timeout(conform, plugin, tmpdir):
    """--no-isolate: nothing can end a thread stuck in a driver, so the
    watchdog fails the hung case, writes the reports so far and stops the
    run with exit 1."""
    device = 'faulthang'
    rc, report, out = run_conform(conform, plugin, device, FAULTS[device][0], tmpdir,
                                  ['--timeout', '2', '--no-isolate'])
    tests = device_tests(report or {}, device)
    hung = [t for t in tests if t.get('status') == 'FAIL' and
            'timed out' in (t.get('message') or '')]
    if rc != 1 or not hung:
        return ['in-process timeout: exit %d, %d timed-out cases in the report (want 1, >= 1)' %
                (rc, len(hung))]
    print('in-process timeout: %s failed as timed out, reports written, exit 1' % hung[0]['name'])
    return []


def check_known_failures(conform, plugin, tmpdir):
    """Known-failure lists: listing exactly the cases a fault breaks turns
    the run green (XFAIL); listing a case that passes is XPASS, a failure;
    a list line without a reason is refused (exit 2)."""
    device, (filters, _) = 'faultcast', FAULTS['faultcast']
    rc, report, out = run_conform(conform, plugin, device, filters, tmpdir)
    if report is None:
        return ['known failures: no report from the first run']
    tests = device_tests(report, device)
    failed = sorted(t['name'] for t in tests if t.get('status') == 'FAIL')
    passed = sorted(t['name'] for t in tests if t.get('status') == 'PASS')
    if not failed or not passed:
        return ['known failures: need failing and passing cases, got %d and %d' %
                (len(failed), len(passed))]
    problems = []
    listing = os.path.join(tmpdir, 'known.txt')
    with open(listing, 'w') as f:
        f.write('# test list\n')
        for name in failed:
            f.write('%s device=fault* planted truncation fault\n' % name)
    rc, report, out = run_conform(conform, plugin, device, filters, tmpdir,
                                  ['--known-failures', listing])
    statuses = {t['name']: t.get('status') for t in device_tests(report or {}, device)}
    if rc != 0 or any(statuses.get(n) != 'XFAIL' for n in failed):
        problems.append('listed failures: exit %d, statuses %s' %
                        (rc, sorted(set(statuses.get(n) for n in failed), key=str)))
    with open(listing, 'a') as f:
        f.write('%s a stale entry\n' % passed[0])
    rc, report, out = run_conform(conform, plugin, device, filters, tmpdir,
                                  ['--known-failures', listing])
    statuses = {t['name']: t.get('status') for t in device_tests(report or {}, device)}
    if rc != 1 or statuses.get(passed[0]) != 'XPASS':
        problems.append('a listed case that passes: exit %d, status %s (want 1, XPASS)' %
                        (rc, statuses.get(passed[0])))
    with open(listing, 'a') as f:
        f.write('op.cast.*\n')
    rc, report, out = run_conform(conform, plugin, device, filters, tmpdir,
                                  ['--known-failures', listing])
    if rc != 2 or 'needs a reason' not in out:
        problems.append('a list line without a reason: exit %d (want 2 and a message)' % rc)
    if not problems:
        print('known failures: %d listed -> XFAIL, exit 0; a passing listed case -> XPASS, '
              'exit 1; a line without a reason -> exit 2' % len(failed))
    return problems


def main(argv):
    if len(argv) < 3:
        print('usage: check_faults.py PH_CONFORM PLUGIN...', file=sys.stderr)
        return 2
    conform = argv[1]
    plugins = {}
    for path in argv[2:]:
        m = NAME_RE.search(os.path.basename(path))
        if not m:
            print('check_faults: %s is not a libphc_fault_<what>.so' % path, file=sys.stderr)
            return 2
        plugins['fault' + m.group(1)] = path
    failures = 0
    with tempfile.TemporaryDirectory(prefix='phc_faults_') as tmpdir:
        control = plugins.get('faultnone')
        if control is None:
            print('FAIL: no control plugin (libphc_fault_none.so) given')
            failures += 1
        else:
            all_filters = sorted({f for filters, _ in FAULTS.values() for f in filters})
            for p in check_control(conform, control, all_filters, tmpdir):
                print('FAIL faultnone (control): ' + p)
                failures += 1
        for device, (filters, expected) in sorted(FAULTS.items()):
            if device not in plugins:
                print('FAIL %s: its plugin was not given' % device)
                failures += 1
                continue
            for p in check_fault(conform, plugins[device], device, filters, expected, tmpdir):
                print('FAIL %s: %s' % (device, p))
                failures += 1
        if 'faultcast' in plugins:
            for p in check_known_failures(conform, plugins['faultcast'], tmpdir):
                print('FAIL known failures: ' + p)
                failures += 1
        if 'faulthang' in plugins:
            for p in check_in_process_timeout(conform, plugins['faulthang'], tmpdir):
                print('FAIL faulthang: ' + p)
                failures += 1
    print('conformance_faults: %d faults, %d problems' % (len(FAULTS), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
