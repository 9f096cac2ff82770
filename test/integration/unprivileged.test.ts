// ledfs as a normal user: `ledfs mount` through fusermount and `ledfs run`
// through a user namespace, when /dev/fuse is usable by that user (mode 0666,
// as stock distributions have it), and what each says when it is not (0600).
// A throwaway user (a uid with a user name only inside a private mount
// namespace, where /dev/fuse gets the mode under test) keeps the machine's
// device node and user database as they are; see test/support/as-user.sh.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CLI, ROOT } from '../support/mount'
import { tempDir } from '../support/tmp'

const AS_USER = join(ROOT, 'test', 'support', 'as-user.sh')
const UID = 47001


function asUser (t: { teardown: (fn: () => void) => void }, mode: '0666' | '0600', script: string): { code: number | null, out: string, err: string } {
  const dir = tempDir(t, 'user')
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', AS_USER, dir, mode, String(UID), '--', 'sh', '-c', script], {
    encoding: 'utf8',
    timeout: 120000,
    env: { ...process.env, LEDFS: `${process.execPath} ${CLI}` }
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

/** Why this machine cannot run the test, or undefined. */
function cannotTest (): string | undefined {
  if (process.getuid?.() !== 0) return 'making a throwaway user and a private /dev/fuse needs root; run the suite as root (make test does)'
  if (spawnSync('unshare', ['--mount', 'true']).status !== 0) return 'unshare --mount fails here (no CAP_SYS_ADMIN?)'
  const reach = spawnSync('setpriv', [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', process.execPath, '-e', `require(${JSON.stringify(join(ROOT, 'dist', 'lib', 'cli', 'main.js'))})`])
  if (reach.status !== 0) return `uid ${UID} cannot run ${process.execPath} on this tree (a folder on the way is not readable by other users)`
  return undefined
}

const why = cannotTest()

t.test('a normal user with /dev/fuse 0666: ledfs mount through fusermount', { skip: why }, async t => {
  const r = asUser(t, '0666', `
    mkdir mnt
    $LEDFS mount mnt --led x > mount.log 2>&1 & pid=$!
    i=0; until [ -e mnt/x ]; do i=$((i+1)); [ $i -lt 200 ] || { cat mount.log; exit 9; }; sleep 0.1; done
    cat mnt/x/brightness; echo 5 > mnt/x/brightness; cat mnt/x/brightness
    grep " $PWD/mnt " /proc/self/mountinfo | grep ' fuse.ledfs ' | grep -c "user_id=${UID}"
    $LEDFS timeline mnt
    kill $pid; wait $pid; echo "exit $?"
    grep -c " $PWD/mnt " /proc/self/mountinfo || true
    cat mount.log`)
  t.equal(r.code, 0, r.err)
  const lines = r.out.split('\n')
  t.same(lines.slice(0, 3), ['0', '5', '1'], 'reads and writes as the user; the mount is the user\'s')
  t.match(lines[3], /^\{"t":[0-9.]+,"led":"x","brightness":5\}$/, 'the control socket answers the user')
  t.same(lines.slice(4, 6), ['exit 0', '0'], 'SIGTERM unmounts through fusermount')
  t.match(lines[6], /^ledfs: mounted 1 LED at .*\/mnt /)
})

t.test('a normal user with /dev/fuse 0666: ledfs run through a user namespace', { skip: why }, async t => {
  const restricted = readSysctl('kernel/apparmor_restrict_unprivileged_userns') === '1' || readSysctl('kernel/unprivileged_userns_clone') === '0' || readSysctl('user/max_user_namespaces') === '0'
  const r = asUser(t, '0666', `$LEDFS run --led y -- sh -c 'cat /sys/class/leds/y/brightness; echo 9 > /sys/class/leds/y/brightness; cat /sys/class/leds/y/brightness; ls /sys/class/leds'; echo "exit $?"; grep -c ' /sys/class/leds ' /proc/self/mountinfo || true`)
  if (restricted) {
    // This machine keeps unprivileged users from user namespaces: the refusal must say what to change.
    t.match(r.err, /cannot run without root: .*(sysctl|max_user_namespaces)/, r.err)
    return
  }
  t.equal(r.out, '0\n9\ny\nexit 0\n0\n', r.err)
  t.equal(r.err, '')
})

t.test('a normal user with /dev/fuse 0600: both refuse and say what to change', { skip: why }, async t => {
  const r = asUser(t, '0600', `mkdir mnt; $LEDFS mount mnt --led x; echo "mount $?"; $LEDFS run --led y -- true; echo "run $?"`)
  t.equal(r.out, 'mount 2\nrun 2\n')
  const errs = r.err.trim().split('\n')
  t.equal(errs.length, 2, r.err)
  t.equal(errs[0], `ledfs: uid ${UID} cannot open /dev/fuse for reading and writing: mount as root, or give users access as stock distributions do (\`chmod 0666 /dev/fuse\`, or a udev rule setting MODE="0666")`)
  t.match(errs[1], new RegExp(`^ledfs: cannot run without root: (uid ${UID} cannot open /dev/fuse for reading and writing; run as root, or give users access|.*sysctl)`))
})

t.test('a user without a user name: the mount refusal says why', { skip: why }, async t => {
  // setpriv straight to a uid with no entry in /etc/passwd (the namespace is not needed for that).
  const dir = tempDir(t, 'noname')
  spawnSync('chown', [String(UID + 1), dir])
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mknod -m 0666 ${dir}/fuse c $((0x$(stat -c %t /dev/fuse))) $((0x$(stat -c %T /dev/fuse))) && mount --bind ${dir}/fuse /dev/fuse && exec setpriv --reuid=${UID + 1} --regid=${UID + 1} --clear-groups env -i ${process.execPath} ${CLI} mount ${dir} --led x`], { encoding: 'utf8', timeout: 60000 })
  t.equal(r.status, 2, r.stdout + r.stderr)
  t.equal(r.stderr, `ledfs: uid ${UID + 1} has no entry in the user database (/etc/passwd), and fusermount needs a user name: add the user, or mount as root\n`)
})

t.test('root without CAP_SYS_ADMIN (a container without --cap-add SYS_ADMIN): ledfs run says so', { skip: why }, async t => {
  const r = spawnSync('setpriv', ['--bounding-set=-sys_admin', '--inh-caps=-sys_admin', process.execPath, CLI, 'run', '--led', 'x', '--', 'true'], { encoding: 'utf8', timeout: 60000 })
  t.equal(r.status, 2)
  t.equal(r.stderr, 'ledfs: cannot make a mount namespace: root here lacks CAP_SYS_ADMIN (in a container: docker run --cap-add SYS_ADMIN --device /dev/fuse)\n')
})

function readSysctl (name: string): string | undefined {
  try { return readFileSync(`/proc/sys/${name}`, 'utf8').trim() } catch { return undefined }
}
