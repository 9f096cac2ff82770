#!/bin/sh
# as-user.sh DIR MODE UID -- COMMAND [ARGS...]
# Run COMMAND as UID the way a normal user of a stock distribution would, in
# the private mount namespace this runs in (start it with
# `unshare --mount --propagation private`): /dev/fuse gets mode MODE and UID
# a user name (ledfs-user) -- both only inside the namespace, so the machine's
# device node and user database stay as they are. DIR (empty, made by the
# caller) is covered by a tmpfs holding the node, the user database and the
# user's home; it all goes with the namespace.
set -eu
dir=$1 mode=$2 uid=$3
shift 4
major=$((0x$(stat -c %t /dev/fuse))) minor=$((0x$(stat -c %T /dev/fuse)))
mount -t tmpfs -o mode=0755 ledfs-user "$dir"
mknod -m "$mode" "$dir/fuse" c "$major" "$minor"
mount --bind "$dir/fuse" /dev/fuse
cp /etc/passwd "$dir/passwd"
echo "ledfs-user:x:$uid:$uid:ledfs test user:$dir/home:/bin/sh" >> "$dir/passwd"
mount --bind "$dir/passwd" /etc/passwd
mkdir -m 0755 "$dir/home"
chown "$uid:$uid" "$dir/home"
cd "$dir/home"
# A clean environment, as a login would give (the caller passes LEDFS, the command to run ledfs).
exec setpriv --reuid="$uid" --regid="$uid" --clear-groups env -i HOME="$dir/home" PATH=/usr/bin:/bin LEDFS="${LEDFS:-ledfs}" "$@"
