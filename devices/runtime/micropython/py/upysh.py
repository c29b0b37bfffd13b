# upysh: shell-like helpers for the REPL and scripts (`from upysh import *`), over the os module.
# Bare names run as commands when printed (ls, pwd, clear, man); the others are functions.
import os
import sys

_DIR = 0x4000


class _Cmd:
    # Typing the bare name at the REPL (or printing it) runs the command.
    def __repr__(self):
        r = self()
        return '' if r is None else r


class _Ls(_Cmd):
    def __call__(self, path='.'):
        entries = sorted(os.ilistdir(path))
        for e in entries:
            if e[1] == _DIR:
                print('   <dir> %s' % e[0])
        for e in entries:
            if e[1] != _DIR:
                print(('% 9d %s' % (e[3], e[0])) if len(e) > 3 else ('          %s' % e[0]))
        try:
            st = os.statvfs(path)
            print('\n{:,d}k free'.format(st[1] * st[3] // 1024))
        except Exception:
            pass


class _Pwd(_Cmd):
    def __call__(self):
        return os.getcwd()


class _Clear(_Cmd):
    def __call__(self):
        return '\x1b[2J\x1b[H'


class _Man(_Cmd):
    def __call__(self):
        return ('\nupysh: import its commands with  from upysh import *\n'
                '(type man to read this again)\n\n'
                'commands:  ls  ls(path)  pwd  cd(path)  clear  man\n'
                'files:     head(file, n=10)  cat(file)  newfile(file)\n'
                '           cp(src, dest)  mv(old, new)  rm(path, recursive=False)\n'
                'folders:   mkdir(path)  rmdir(path)\n')


def head(path, n=10):
    with open(path) as f:
        for _ in range(n):
            line = f.readline()
            if not line:
                break
            sys.stdout.write(line)


def cat(path):
    head(path, 1 << 30)


def cp(src, dest):
    with open(src, 'rb') as a, open(dest, 'wb') as b:
        while True:
            chunk = a.read(512)
            if not chunk:
                break
            b.write(chunk)


def newfile(path):
    # Lines typed until an empty line (the simulated console has no Ctrl-D) become the file.
    print('Type the lines of %s; an empty line ends the file.' % path)
    with open(path, 'w') as f:
        while True:
            line = input()
            if not line:
                break
            f.write(line)
            f.write('\n')


def rm(path, recursive=False):
    if os.stat(path)[0] & 0xF000 == _DIR:
        if not recursive:
            raise OSError(21)  # EISDIR
        for e in os.ilistdir(path):
            rm(path + '/' + e[0], True)
        os.rmdir(path)
    else:
        os.remove(path)


ls = _Ls()
pwd = _Pwd()
clear = _Clear()
man = _Man()
cd = os.chdir
mkdir = os.mkdir
mv = os.rename
rmdir = os.rmdir

print(man)
