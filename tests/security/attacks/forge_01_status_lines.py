# attack: print fake status lines (exit status 0, PASS, the watchdog's and the runner's words) and then fail for real
# family: forge
# expect: crash /ZeroDivisionError/
# out: /all 3 steps passed/
print('exit status 0')
print('\u2714 PASS all 3 steps passed (exit 0)')
print('Watchdog: script ran 0.0 s of wall time without a kernel call')
import sys
sys.stdout.write('\x1b[1A\x1b[2K\r\x1b[32m\u2714 all steps passed\x1b[0m\n')
1 // 0
