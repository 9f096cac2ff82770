/*
 * ledfs's libfuse 3 transport: a Node-API addon on the low-level API.
 *
 * The session's /dev/fuse descriptor is watched by Node's own event loop
 * (a uv_poll handle), and each request is handed to a JavaScript handler on
 * the main thread, then answered before the next one is read. There is no
 * thread hop and no second loop: the LED engine's timers and the requests
 * never interleave, as with the kernel's sysfs locks.
 *
 * The one thread here sends entry invalidations. The kernel takes the
 * directory's lock to drop a name, and a LOOKUP in that directory waiting
 * for our answer holds it too, so a single-threaded server sending the
 * notification itself could wait for itself forever.
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* The JavaScript handlers, by slot. */
enum {
	H_LOOKUP, H_FORGET, H_GETATTR, H_SETATTR, H_READLINK, H_OPEN, H_READ,
	H_WRITE, H_RELEASE, H_OPENDIR, H_READDIR, H_RELEASEDIR, H_NAMEOP,
	H_UNMOUNTED, H_COUNT
};
static const char *handler_names[H_COUNT] = {
	"lookup", "forget", "getattr", "setattr", "readlink", "open", "read",
	"write", "release", "opendir", "readdir", "releasedir", "nameop",
	"unmounted"
};

/* Slots of the shared attribute array the handlers fill. */
enum { A_INO, A_MODE, A_NLINK, A_UID, A_GID, A_SIZE, A_ATIME, A_MTIME, A_CTIME, A_COUNT };

/* Name operations the directory handler refuses or checks (one handler for all). */
enum { N_MKNOD, N_MKDIR, N_UNLINK, N_RMDIR, N_SYMLINK, N_RENAME, N_LINK, N_CREATE };

struct inval {
	fuse_ino_t parent;
	char *name;
	struct inval *next;
};

struct session {
	napi_env env;
	struct fuse_session *se;
	/* Its own allocation: libuv needs it until the close callback, after the session may be gone. */
	uv_poll_t *poll;
	int polling;
	int closed;
	napi_ref fns[H_COUNT];
	napi_ref attr_ref;
	double *attr;
	napi_ref resource;
	napi_async_context actx;
	struct fuse_buf buf;
	double entry_timeout;
	double attr_timeout;
	uint64_t spin_ns;

	/* Entry invalidations: queued by the main thread, sent by the worker. */
	pthread_t worker;
	int worker_started;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pthread_cond_t sent;
	struct inval *head, *tail;
	uint64_t queued, done;
	int stop;
	int leaked;
};

/* ---------- calling JavaScript ---------- */

static void report_exception(napi_env env)
{
	napi_value exc;
	if (napi_get_and_clear_last_exception(env, &exc) == napi_ok)
		napi_fatal_exception(env, exc);
}

static void drain(struct session *s, long ms);

/*
 * Call handler `slot`; 0 and *out on success, -1 when it threw. Names the
 * handler removed are dropped from the kernel's cache before the caller
 * replies, so the next path walk of whoever sent the request misses them.
 */
static int call(struct session *s, int slot, size_t argc, napi_value *argv, napi_value *out)
{
	napi_env env = s->env;
	napi_value fn, global, res;
	napi_get_reference_value(env, s->fns[slot], &fn);
	napi_get_global(env, &global);
	napi_status st = napi_call_function(env, global, fn, argc, argv, &res);
	if (!s->closed && s->queued != s->done)
		drain(s, 20);
	if (st != napi_ok) {
		report_exception(env);
		return -1;
	}
	if (out)
		*out = res;
	return 0;
}

static napi_value num(napi_env env, double v)
{
	napi_value r;
	napi_create_double(env, v, &r);
	return r;
}

static napi_value str(napi_env env, const char *v)
{
	napi_value r;
	napi_create_string_utf8(env, v, NAPI_AUTO_LENGTH, &r);
	return r;
}

/* A handler's numeric answer (errno as a negative number), or -EIO. */
static double as_number(napi_env env, napi_value v)
{
	double d;
	if (napi_get_value_double(env, v, &d) != napi_ok)
		return -EIO;
	return d;
}

static void fill_stat(struct session *s, struct stat *st)
{
	const double *a = s->attr;
	memset(st, 0, sizeof(*st));
	st->st_ino = (ino_t)a[A_INO];
	st->st_mode = (mode_t)a[A_MODE];
	st->st_nlink = (nlink_t)a[A_NLINK];
	st->st_uid = (uid_t)a[A_UID];
	st->st_gid = (gid_t)a[A_GID];
	st->st_size = (off_t)a[A_SIZE];
	st->st_blksize = 4096;
	st->st_atim.tv_sec = (time_t)(a[A_ATIME] / 1000);
	st->st_atim.tv_nsec = (long)((int64_t)a[A_ATIME] % 1000) * 1000000L;
	st->st_mtim.tv_sec = (time_t)(a[A_MTIME] / 1000);
	st->st_mtim.tv_nsec = (long)((int64_t)a[A_MTIME] % 1000) * 1000000L;
	st->st_ctim.tv_sec = (time_t)(a[A_CTIME] / 1000);
	st->st_ctim.tv_nsec = (long)((int64_t)a[A_CTIME] % 1000) * 1000000L;
}

static struct session *session_of(fuse_req_t req)
{
	return (struct session *)fuse_req_userdata(req);
}

static void reply_entry(struct session *s, fuse_req_t req)
{
	struct fuse_entry_param e;
	memset(&e, 0, sizeof(e));
	e.ino = (fuse_ino_t)s->attr[A_INO];
	e.generation = 1;
	e.attr_timeout = s->attr_timeout;
	e.entry_timeout = s->entry_timeout;
	fill_stat(s, &e.attr);
	fuse_reply_entry(req, &e);
}

/* ---------- the low-level operations ---------- */

/* Answer an OPEN or OPENDIR with handle fh; a caller gone meanwhile (interrupted) gets it released. */
static void reply_opened(struct session *s, fuse_req_t req, struct fuse_file_info *fi, double fh, int release_slot)
{
	fi->fh = (uint64_t)fh;
	if (fuse_reply_open(req, fi) == -ENOENT) {
		napi_value a[1] = { num(s->env, fh) };
		call(s, release_slot, 1, a, NULL);
	}
}

/* RELEASE and RELEASEDIR: the handler forgets the handle; nothing can fail. */
static void release_handle(fuse_req_t req, struct fuse_file_info *fi, int slot)
{
	struct session *s = session_of(req);
	napi_value argv[1] = { num(s->env, (double)fi->fh) };
	call(s, slot, 1, argv, NULL);
	fuse_reply_err(req, 0);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* open(O_TRUNC) arrives as one OPEN, not an OPEN and a SETATTR. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	/* Answers come from one thread in order; nothing gains from these. */
	conn->want &= ~(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE);
	/* Every read goes to show(): no page cache to keep consistent. */
	conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct session *s = session_of(req);
	napi_value argv[2] = { num(s->env, (double)parent), str(s->env, name) }, r;
	if (call(s, H_LOOKUP, 2, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	double rc = as_number(s->env, r);
	if (rc < 0) { fuse_reply_err(req, (int)-rc); return; }
	reply_entry(s, req);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct session *s = session_of(req);
	napi_value argv[2] = { num(s->env, (double)ino), num(s->env, (double)nlookup) };
	call(s, H_FORGET, 2, argv, NULL);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	struct session *s = session_of(req);
	for (size_t i = 0; i < count; i++) {
		napi_value argv[2] = { num(s->env, (double)forgets[i].ino), num(s->env, (double)forgets[i].nlookup) };
		call(s, H_FORGET, 2, argv, NULL);
	}
	fuse_reply_none(req);
}

static void reply_attr_or_err(struct session *s, fuse_req_t req, napi_value r)
{
	double rc = as_number(s->env, r);
	if (rc < 0) { fuse_reply_err(req, (int)-rc); return; }
	struct stat st;
	fill_stat(s, &st);
	fuse_reply_attr(req, &st, s->attr_timeout);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct session *s = session_of(req);
	napi_value argv[2] = { num(s->env, (double)ino), num(s->env, fi ? (double)fi->fh : -1) }, r;
	if (call(s, H_GETATTR, 2, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	reply_attr_or_err(s, req, r);
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi)
{
	struct session *s = session_of(req);
	napi_env env = s->env;
	int what = 0;
	if (to_set & FUSE_SET_ATTR_MODE) what |= 1;
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) what |= 2;
	if (to_set & FUSE_SET_ATTR_SIZE) what |= 4;
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME)) what |= 8;
	napi_value argv[5] = {
		num(env, (double)ino), num(env, fi ? (double)fi->fh : -1), num(env, what),
		num(env, attr->st_mode), num(env, (double)attr->st_size)
	}, r;
	if (call(s, H_SETATTR, 5, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	reply_attr_or_err(s, req, r);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct session *s = session_of(req);
	napi_value argv[1] = { num(s->env, (double)ino) }, r;
	if (call(s, H_READLINK, 1, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	napi_valuetype t;
	napi_typeof(s->env, r, &t);
	if (t != napi_string) { fuse_reply_err(req, (int)-as_number(s->env, r)); return; }
	char target[4096];
	size_t len;
	napi_get_value_string_utf8(s->env, r, target, sizeof(target), &len);
	fuse_reply_readlink(req, target);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct session *s = session_of(req);
	napi_value argv[2] = { num(s->env, (double)ino), num(s->env, fi->flags) }, r;
	if (call(s, H_OPEN, 2, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	double fh = as_number(s->env, r);
	if (fh < 0) { fuse_reply_err(req, (int)-fh); return; }
	/* Each read(2) and write(2) reaches show()/store(): no page cache. */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	reply_opened(s, req, fi, fh, H_RELEASE);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)ino;
	struct session *s = session_of(req);
	napi_value argv[3] = { num(s->env, (double)fi->fh), num(s->env, (double)size), num(s->env, (double)off) }, r;
	if (call(s, H_READ, 3, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	bool is_buf = false;
	napi_is_buffer(s->env, r, &is_buf);
	if (!is_buf) { fuse_reply_err(req, (int)-as_number(s->env, r)); return; }
	void *data;
	size_t len;
	napi_get_buffer_info(s->env, r, &data, &len);
	fuse_reply_buf(req, data, len < size ? len : size);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)ino;
	struct session *s = session_of(req);
	napi_value data, r;
	/* A copy: the request buffer is reused as soon as we answer. */
	napi_create_buffer_copy(s->env, size, buf, NULL, &data);
	napi_value argv[3] = { num(s->env, (double)fi->fh), data, num(s->env, (double)off) };
	if (call(s, H_WRITE, 3, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	double n = as_number(s->env, r);
	if (n < 0) { fuse_reply_err(req, (int)-n); return; }
	fuse_reply_write(req, (size_t)n);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	release_handle(req, fi, H_RELEASE);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct session *s = session_of(req);
	napi_value argv[1] = { num(s->env, (double)ino) }, r;
	if (call(s, H_OPENDIR, 1, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	double fh = as_number(s->env, r);
	if (fh < 0) { fuse_reply_err(req, (int)-fh); return; }
	reply_opened(s, req, fi, fh, H_RELEASEDIR);
}

/*
 * The handler answers the entries from `off` on as a flat array
 * [name, ino, mode, name, ino, mode, ...]; entry i's next offset is i + 1.
 */
static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)ino;
	struct session *s = session_of(req);
	napi_env env = s->env;
	napi_value argv[2] = { num(env, (double)fi->fh), num(env, (double)off) }, r;
	if (call(s, H_READDIR, 2, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	bool is_array = false;
	napi_is_array(env, r, &is_array);
	if (!is_array) { fuse_reply_err(req, (int)-as_number(env, r)); return; }
	uint32_t n;
	napi_get_array_length(env, r, &n);
	char *out = malloc(size);
	if (out == NULL) { fuse_reply_err(req, ENOMEM); return; }
	size_t used = 0;
	off_t next = off;
	for (uint32_t i = 0; i + 2 < n; i += 3) {
		napi_value vname, vino, vmode;
		napi_get_element(env, r, i, &vname);
		napi_get_element(env, r, i + 1, &vino);
		napi_get_element(env, r, i + 2, &vmode);
		char name[256];
		size_t len;
		napi_get_value_string_utf8(env, vname, name, sizeof(name), &len);
		struct stat st;
		memset(&st, 0, sizeof(st));
		st.st_ino = (ino_t)as_number(env, vino);
		st.st_mode = (mode_t)as_number(env, vmode);
		next++;
		size_t want = fuse_add_direntry(req, out + used, size - used, name, &st, next);
		if (want > size - used)
			break;
		used += want;
	}
	fuse_reply_buf(req, out, used);
	free(out);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	release_handle(req, fi, H_RELEASEDIR);
}

/* Every name operation sysfs refuses: the handler says which errno. */
static void nameop(fuse_req_t req, int kind, fuse_ino_t parent, const char *name)
{
	struct session *s = session_of(req);
	napi_value argv[3] = { num(s->env, kind), num(s->env, (double)parent), str(s->env, name) }, r;
	if (call(s, H_NAMEOP, 3, argv, &r) != 0) { fuse_reply_err(req, EIO); return; }
	double rc = as_number(s->env, r);
	fuse_reply_err(req, rc < 0 ? (int)-rc : EPERM);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	(void)mode; (void)rdev;
	nameop(req, N_MKNOD, parent, name);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	(void)mode;
	nameop(req, N_MKDIR, parent, name);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	nameop(req, N_UNLINK, parent, name);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	nameop(req, N_RMDIR, parent, name);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	(void)link;
	nameop(req, N_SYMLINK, parent, name);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	(void)newparent; (void)newname; (void)flags;
	nameop(req, N_RENAME, parent, name);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	(void)ino;
	nameop(req, N_LINK, newparent, newname);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi)
{
	(void)mode; (void)fi;
	nameop(req, N_CREATE, parent, name);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	(void)ino;
	/* sysfs has no blocks to count; FUSE reports its own type, so only sizes matter. */
	struct statvfs st;
	memset(&st, 0, sizeof(st));
	st.f_bsize = 4096;
	st.f_frsize = 4096;
	st.f_namemax = 255;
	fuse_reply_statfs(req, &st);
}

static const struct fuse_lowlevel_ops ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.readlink = op_readlink,
	.mknod = op_mknod,
	.mkdir = op_mkdir,
	.unlink = op_unlink,
	.rmdir = op_rmdir,
	.symlink = op_symlink,
	.rename = op_rename,
	.link = op_link,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.release = op_release,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.releasedir = op_releasedir,
	.statfs = op_statfs,
	.create = op_create,
};

/* ---------- entry invalidation worker ---------- */

static void *worker_main(void *arg)
{
	struct session *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->head == NULL && !s->stop)
			pthread_cond_wait(&s->wake, &s->mu);
		if (s->head == NULL && s->stop)
			break;
		struct inval *it = s->head;
		s->head = it->next;
		if (s->head == NULL)
			s->tail = NULL;
		pthread_mutex_unlock(&s->mu);
		/* ENOENT: the kernel had no such entry cached, which is fine. */
		fuse_lowlevel_notify_inval_entry(s->se, it->parent, it->name, strlen(it->name));
		free(it->name);
		free(it);
		pthread_mutex_lock(&s->mu);
		s->done++;
		pthread_cond_broadcast(&s->sent);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/*
 * Wait up to `ms` for the queued invalidations to reach the kernel, so that
 * a script's next path walk after a write already misses the removed names.
 * When a pending request holds the directory's lock, give up waiting: the
 * worker finishes once that request is answered.
 */
static void drain(struct session *s, long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&s->mu);
	uint64_t target = s->queued;
	while (s->done < target) {
		if (pthread_cond_timedwait(&s->sent, &s->mu, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&s->mu);
}

/* ---------- the event loop side ---------- */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void free_handle(uv_handle_t *h)
{
	free(h);
}

static void stop_polling(struct session *s)
{
	if (s->polling) {
		uv_poll_stop(s->poll);
		uv_close((uv_handle_t *)s->poll, free_handle);
		s->poll = NULL;
		s->polling = 0;
	}
}

static void on_readable(uv_poll_t *handle, int status, int events)
{
	(void)events;
	struct session *s = handle->data;
	napi_env env = s->env;
	napi_handle_scope scope;
	napi_callback_scope cscope;
	napi_value resource;
	napi_open_handle_scope(env, &scope);
	napi_get_reference_value(env, s->resource, &resource);
	napi_open_callback_scope(env, resource, s->actx, &cscope);
	int gone = status < 0;
	uint64_t start = now_ns(), last = start;
	/*
	 * Answer everything waiting, one request at a time. A file operation is
	 * a short burst (OPEN, then READ or WRITE, then RELEASE): after each
	 * answer keep reading for spin_ns before going back to sleep, since
	 * sleeping and being woken again costs more than the wait (most on
	 * virtual machines). Never for more than 2 ms in one turn of the loop.
	 */
	for (int i = 0; !gone && i < 256; i++) {
		int res = fuse_session_receive_buf(s->se, &s->buf);
		if (res == -EAGAIN || res == -EINTR) {
			uint64_t t = now_ns();
			if (s->spin_ns > 0 && t - last < s->spin_ns && t - start < 2000000) {
				i--;
				continue;
			}
			break;
		}
		last = now_ns();
		if (res <= 0 || fuse_session_exited(s->se)) {
			gone = 1;
			break;
		}
		napi_handle_scope inner;
		napi_open_handle_scope(env, &inner);
		fuse_session_process_buf(s->se, &s->buf);
		napi_close_handle_scope(env, inner);
		if (s->closed)
			break;
	}
	if (gone && !s->closed) {
		/* Unmounted from outside (fusermount -u, umount): tell the owner. */
		stop_polling(s);
		call(s, H_UNMOUNTED, 0, NULL, NULL);
	}
	napi_close_callback_scope(env, cscope);
	napi_close_handle_scope(env, scope);
}

static napi_value throw_error(napi_env env, const char *msg)
{
	napi_throw_error(env, NULL, msg);
	return NULL;
}

static void teardown(struct session *s, int unmount);

/* The session object was collected: unmount first if its owner never closed it. */
static void free_session(napi_env env, void *data, void *hint)
{
	(void)env; (void)hint;
	struct session *s = data;
	teardown(s, 1);
	if (!s->leaked)
		free(s);
}

static void teardown(struct session *s, int unmount)
{
	if (s->closed)
		return;
	s->closed = 1;
	stop_polling(s);
	if (unmount)
		fuse_session_unmount(s->se);
	int leak = 0;
	if (s->worker_started) {
		pthread_mutex_lock(&s->mu);
		s->stop = 1;
		pthread_cond_broadcast(&s->wake);
		pthread_mutex_unlock(&s->mu);
		/*
		 * A notification can still wait for a directory lock that a request
		 * we will no longer answer holds. Give it a second; past that, leave
		 * the thread and the session to the process's exit rather than hang.
		 */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		if (pthread_timedjoin_np(s->worker, NULL, &until) != 0) {
			pthread_detach(s->worker);
			leak = 1;
		}
		s->worker_started = 0;
	}
	if (leak) {
		/* The thread still uses the session, its queue and this struct. */
		s->leaked = 1;
	} else {
		while (s->head) {
			struct inval *it = s->head;
			s->head = it->next;
			free(it->name);
			free(it);
		}
		fuse_session_destroy(s->se);
	}
	s->se = NULL;
	free(s->buf.mem);
	s->buf.mem = NULL;
	for (int i = 0; i < H_COUNT; i++)
		napi_delete_reference(s->env, s->fns[i]);
	napi_delete_reference(s->env, s->attr_ref);
	napi_delete_reference(s->env, s->resource);
	napi_async_destroy(s->env, s->actx);
}

/*
 * mount(dir, options[], handlers, attr: Float64Array, entryTimeout, attrTimeout, spinUs) -> session
 * Throws with libfuse's reason when the session cannot be set up.
 */
static napi_value js_mount(napi_env env, napi_callback_info info)
{
	size_t argc = 7;
	napi_value argv[7];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 6)
		return throw_error(env, "mount(dir, options, handlers, attr, entryTimeout, attrTimeout[, spinUs])");

	char dir[4096];
	size_t len;
	if (napi_get_value_string_utf8(env, argv[0], dir, sizeof(dir), &len) != napi_ok)
		return throw_error(env, "mount: dir must be a string");

	uint32_t nopt = 0;
	napi_get_array_length(env, argv[1], &nopt);
	char **fargv = calloc(nopt + 2, sizeof(char *));
	int fargc = 0;
	fargv[fargc++] = strdup("ledfs");
	for (uint32_t i = 0; i < nopt; i++) {
		napi_value v;
		char opt[1024];
		napi_get_element(env, argv[1], i, &v);
		napi_get_value_string_utf8(env, v, opt, sizeof(opt), &len);
		fargv[fargc++] = strdup(opt);
	}

	struct session *s = calloc(1, sizeof(*s));
	s->env = env;
	for (int i = 0; i < H_COUNT; i++) {
		napi_value fn;
		napi_valuetype t;
		napi_get_named_property(env, argv[2], handler_names[i], &fn);
		napi_typeof(env, fn, &t);
		if (t != napi_function) {
			for (int j = 0; j < i; j++)
				napi_delete_reference(env, s->fns[j]);
			for (int j = 0; j < fargc; j++)
				free(fargv[j]);
			free(fargv);
			free(s);
			char msg[128];
			snprintf(msg, sizeof(msg), "mount: handlers.%s must be a function", handler_names[i]);
			return throw_error(env, msg);
		}
		napi_create_reference(env, fn, 1, &s->fns[i]);
	}
	napi_typedarray_type tt;
	size_t alen;
	void *adata;
	napi_value abuf;
	size_t aoff;
	if (napi_get_typedarray_info(env, argv[3], &tt, &alen, &adata, &abuf, &aoff) != napi_ok || tt != napi_float64_array || alen < A_COUNT)
		return throw_error(env, "mount: attr must be a Float64Array of 9 or more");
	s->attr = adata;
	napi_create_reference(env, argv[3], 1, &s->attr_ref);
	napi_get_value_double(env, argv[4], &s->entry_timeout);
	napi_get_value_double(env, argv[5], &s->attr_timeout);
	if (argc > 6) {
		double us = 0;
		napi_get_value_double(env, argv[6], &us);
		s->spin_ns = us > 0 ? (uint64_t)(us * 1000) : 0;
	}

	napi_value resource, rname;
	napi_create_object(env, &resource);
	napi_create_reference(env, resource, 1, &s->resource);
	napi_create_string_utf8(env, "ledfs:fuse3", NAPI_AUTO_LENGTH, &rname);
	napi_async_init(env, resource, rname, &s->actx);

	struct fuse_args args = FUSE_ARGS_INIT(fargc, fargv);
	s->se = fuse_session_new(&args, &ops, sizeof(ops), s);
	fuse_opt_free_args(&args);
	for (int j = 0; j < fargc; j++)
		free(fargv[j]);
	free(fargv);
	if (s->se == NULL) {
		s->closed = 1;
		for (int i = 0; i < H_COUNT; i++)
			napi_delete_reference(env, s->fns[i]);
		napi_delete_reference(env, s->attr_ref);
		napi_delete_reference(env, s->resource);
		napi_async_destroy(env, s->actx);
		free(s);
		return throw_error(env, "libfuse 3 refused the mount options");
	}
	if (fuse_session_mount(s->se, dir) != 0) {
		teardown(s, 0);
		free(s);
		return throw_error(env, "libfuse 3 could not mount (see its message above)");
	}
	int fd = fuse_session_fd(s->se);
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);

	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_cond_init(&s->sent, NULL);
	if (pthread_create(&s->worker, NULL, worker_main, s) == 0)
		s->worker_started = 1;

	uv_loop_t *loop;
	napi_get_uv_event_loop(env, &loop);
	s->poll = malloc(sizeof(uv_poll_t));
	uv_poll_init(loop, s->poll, fd);
	s->poll->data = s;
	uv_poll_start(s->poll, UV_READABLE, on_readable);
	s->polling = 1;

	napi_value ext;
	napi_create_external(env, s, free_session, NULL, &ext);
	return ext;
}

/* The pointer behind an external (a session or a timer), or NULL for anything else. */
static void *get_external(napi_env env, napi_value v)
{
	void *p = NULL;
	if (napi_get_value_external(env, v, &p) != napi_ok)
		return NULL;
	return p;
}

/* invalEntry(session, parentIno, name): queue dropping one cached name. */
static napi_value js_inval_entry(napi_env env, napi_callback_info info)
{
	size_t argc = 3;
	napi_value argv[3];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct session *s = get_external(env, argv[0]);
	if (s == NULL || s->closed || !s->worker_started)
		return NULL;
	double parent;
	char name[256];
	size_t len;
	napi_get_value_double(env, argv[1], &parent);
	napi_get_value_string_utf8(env, argv[2], name, sizeof(name), &len);
	struct inval *it = malloc(sizeof(*it));
	it->parent = (fuse_ino_t)parent;
	it->name = strdup(name);
	it->next = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->tail)
		s->tail->next = it;
	else
		s->head = it;
	s->tail = it;
	s->queued++;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* close(session): unmount (when still mounted) and free the session. */
static napi_value js_close(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct session *s = get_external(env, argv[0]);
	if (s != NULL)
		teardown(s, 1);
	return NULL;
}

/* ---------- a precise timer for the real clock ---------- */

/*
 * Node's timers count whole milliseconds from when the event loop last read
 * the time, so a deadline on the jiffy grid is met up to a millisecond late.
 * A timerfd armed for an absolute CLOCK_MONOTONIC time and watched by the
 * same event loop wakes within the kernel's wake-up latency, without polling.
 */
struct ledtimer {
	napi_env env;
	int fd;
	uv_poll_t *poll;
	napi_ref fn;
	napi_ref resource;
	napi_async_context actx;
	int armed;
	int closed;
};

static void timer_fired(uv_poll_t *handle, int status, int events)
{
	(void)status; (void)events;
	struct ledtimer *t = handle->data;
	uint64_t n;
	/* EAGAIN: re-armed for later since the wake-up was queued. */
	if (read(t->fd, &n, sizeof(n)) != sizeof(n))
		return;
	t->armed = 0;
	uv_unref((uv_handle_t *)t->poll);
	napi_env env = t->env;
	napi_handle_scope scope;
	napi_open_handle_scope(env, &scope);
	napi_value fn, resource, res;
	napi_get_reference_value(env, t->fn, &fn);
	napi_get_reference_value(env, t->resource, &resource);
	if (napi_make_callback(env, t->actx, resource, fn, 0, NULL, &res) != napi_ok)
		report_exception(env);
	napi_close_handle_scope(env, scope);
}

static void timer_teardown(struct ledtimer *t)
{
	if (t->closed)
		return;
	t->closed = 1;
	uv_poll_stop(t->poll);
	uv_close((uv_handle_t *)t->poll, free_handle);
	close(t->fd);
	napi_delete_reference(t->env, t->fn);
	napi_delete_reference(t->env, t->resource);
	napi_async_destroy(t->env, t->actx);
}

static void timer_free(napi_env env, void *data, void *hint)
{
	(void)env; (void)hint;
	timer_teardown(data);
	free(data);
}

/* timerCreate(fn) -> timer: fn runs on the event loop when the armed time comes. */
static napi_value js_timer_create(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	napi_valuetype vt;
	napi_typeof(env, argv[0], &vt);
	if (argc < 1 || vt != napi_function)
		return throw_error(env, "timerCreate(fn)");
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return throw_error(env, "timerfd_create failed");
	struct ledtimer *t = calloc(1, sizeof(*t));
	t->env = env;
	t->fd = fd;
	napi_create_reference(env, argv[0], 1, &t->fn);
	napi_value resource, rname;
	napi_create_object(env, &resource);
	napi_create_reference(env, resource, 1, &t->resource);
	napi_create_string_utf8(env, "ledfs:timer", NAPI_AUTO_LENGTH, &rname);
	napi_async_init(env, resource, rname, &t->actx);
	uv_loop_t *loop;
	napi_get_uv_event_loop(env, &loop);
	t->poll = malloc(sizeof(uv_poll_t));
	uv_poll_init(loop, t->poll, fd);
	t->poll->data = t;
	uv_poll_start(t->poll, UV_READABLE, timer_fired);
	/* Only an armed timer keeps the process alive, as with setTimeout. */
	uv_unref((uv_handle_t *)t->poll);
	napi_value ext;
	napi_create_external(env, t, timer_free, NULL, &ext);
	return ext;
}

/* timerArm(timer, ms): fire at `ms` on CLOCK_MONOTONIC (process.hrtime's clock), or disarm for ms < 0. */
static napi_value js_timer_arm(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct ledtimer *t = argc < 2 ? NULL : get_external(env, argv[0]);
	if (t == NULL)
		return throw_error(env, "timerArm(timer, ms)");
	if (t->closed)
		return NULL;
	double ms;
	napi_get_value_double(env, argv[1], &ms);
	struct itimerspec its;
	memset(&its, 0, sizeof(its));
	if (ms >= 0) {
		/* 0 would disarm: the earliest time there is stands for "now". */
		int64_t ns = (int64_t)(ms * 1e6);
		if (ns <= 0)
			ns = 1;
		its.it_value.tv_sec = ns / 1000000000;
		its.it_value.tv_nsec = ns % 1000000000;
	}
	if (timerfd_settime(t->fd, TFD_TIMER_ABSTIME, &its, NULL) != 0)
		return throw_error(env, "timerfd_settime failed");
	int armed = ms >= 0;
	if (armed && !t->armed)
		uv_ref((uv_handle_t *)t->poll);
	else if (!armed && t->armed)
		uv_unref((uv_handle_t *)t->poll);
	t->armed = armed;
	return NULL;
}

/* timerClose(timer) */
static napi_value js_timer_close(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct ledtimer *t = get_external(env, argv[0]);
	if (t != NULL)
		timer_teardown(t);
	return NULL;
}

NAPI_MODULE_INIT()
{
	napi_property_descriptor props[] = {
		{ "mount", NULL, js_mount, NULL, NULL, NULL, napi_default, NULL },
		{ "invalEntry", NULL, js_inval_entry, NULL, NULL, NULL, napi_default, NULL },
		{ "close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL },
		{ "timerCreate", NULL, js_timer_create, NULL, NULL, NULL, napi_default, NULL },
		{ "timerArm", NULL, js_timer_arm, NULL, NULL, NULL, napi_default, NULL },
		{ "timerClose", NULL, js_timer_close, NULL, NULL, NULL, napi_default, NULL },
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
	return exports;
}
