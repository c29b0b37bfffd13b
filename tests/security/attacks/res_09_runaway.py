# attack: compute for ever without a kernel call: the wall-clock watchdog ends this VM, the host stays responsive
# family: resources
# expect: watchdog
# watchdog: 250
x = 0
while True:
    x += 1
