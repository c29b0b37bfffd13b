# attack: await a JsProxy forged in memory as if it were a promise (the glue's then/resolve hooks)
# family: js
# expect: violation
# out: /forged <class 'JsProxy'>/
{{FORGE_JSPROXY}}
async def main():
    print('ESCAPED', await g)
c = main()
try:
    c.send(None)
except StopIteration:
    pass
