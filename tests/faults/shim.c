/* A fault-injection shim for LD_PRELOAD: counts the write, sync, truncate, rename, link and
 * unlink calls a process makes on files under FAULT_DIR and, at the FAULT_AT-th, fails it or
 * kills the process before it happens (SQLite commits a rollback journal by unlinking it, and
 * a finished temp file reaches its real name by a rename or a hard link).
 *
 *   FAULT_DIR=/abs/dir     count only calls on files under this folder (default: every file)
 *   FAULT_AT=N             the call to fault (1-based; unset or 0: only count)
 *   FAULT_KIND=eio|enospc|crash   fail with EIO or ENOSPC, or SIGKILL the process first
 *   FAULT_PERSIST=1        fail every call from N on (a disk that stays full), not just N
 *   FAULT_COUNT_FILE=path  write the number of calls counted when the process exits
 *   FAULT_LOG_FILE=path    append "N call path" for every call counted (names the points)
 *
 * Build: cc -shared -fPIC -O2 -o shim.so shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static char fault_dir[PATH_MAX];
static size_t fault_dir_len;
static long fault_at;
static int fault_errno;   /* 0: crash */
static int fault_persist;
static long calls;
static const char *count_file;
static int log_fd = -1;

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned int);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_link)(const char *, const char *);
static int (*real_linkat)(int, const char *, int, const char *, int);

#define RESOLVE(name) real_##name = dlsym(RTLD_NEXT, #name)

__attribute__((constructor)) static void shim_init(void)
{
    RESOLVE(write); RESOLVE(pwrite); RESOLVE(pwrite64); RESOLVE(writev);
    RESOLVE(fsync); RESOLVE(fdatasync); RESOLVE(ftruncate); RESOLVE(ftruncate64);
    RESOLVE(rename); RESOLVE(renameat); RESOLVE(renameat2); RESOLVE(unlink);
    RESOLVE(unlinkat); RESOLVE(link); RESOLVE(linkat);
    const char *dir = getenv("FAULT_DIR");
    if (dir && *dir && realpath(dir, fault_dir))
        fault_dir_len = strlen(fault_dir);
    const char *at = getenv("FAULT_AT");
    fault_at = at ? atol(at) : 0;
    const char *kind = getenv("FAULT_KIND");
    fault_errno = EIO;
    if (kind && strcmp(kind, "enospc") == 0)
        fault_errno = ENOSPC;
    else if (kind && strcmp(kind, "crash") == 0)
        fault_errno = 0;
    const char *persist = getenv("FAULT_PERSIST");
    fault_persist = persist && *persist && strcmp(persist, "0") != 0;
    count_file = getenv("FAULT_COUNT_FILE");
    const char *log = getenv("FAULT_LOG_FILE");
    if (log && *log)
        log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

__attribute__((destructor)) static void shim_fini(void)
{
    if (!count_file || !*count_file)
        return;
    int fd = open(count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", __atomic_load_n(&calls, __ATOMIC_SEQ_CST));
    real_write(fd, buf, (size_t)n);
    close(fd);
}

static int under_dir(const char *path)
{
    if (!fault_dir_len)
        return 1;
    return strncmp(path, fault_dir, fault_dir_len) == 0
        && (path[fault_dir_len] == '/' || path[fault_dir_len] == '\0');
}

/* The path an fd is open on, from /proc/self/fd (pipes and sockets never match a folder). */
static int fd_path(int fd, char *out, size_t size)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, out, size - 1);
    if (n < 0)
        return -1;
    out[n] = '\0';
    return 0;
}

static int watched_fd(int fd, char *path, size_t size)
{
    return fd_path(fd, path, size) == 0 && under_dir(path);
}

/* A path given to rename or unlink, made absolute against the cwd or the dirfd. */
static int watched_at(int dirfd, const char *name, char *path, size_t size)
{
    if (name[0] == '/') {
        snprintf(path, size, "%s", name);
    } else {
        char base[PATH_MAX];
        if (dirfd == AT_FDCWD ? getcwd(base, sizeof base) == NULL
                              : fd_path(dirfd, base, sizeof base) != 0)
            return 0;
        snprintf(path, size, "%s/%s", base, name);
    }
    return under_dir(path);
}

/* Counts one call; returns the errno to fail it with, or 0 to let it through. */
static int point(const char *call, const char *path)
{
    long n = __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
    if (log_fd >= 0) {
        char line[PATH_MAX + 64];
        int len = snprintf(line, sizeof line, "%ld %s %s\n", n, call, path);
        real_write(log_fd, line, (size_t)(len < (int)sizeof line ? len : (int)sizeof line - 1));
    }
    if (!fault_at || n < fault_at || (n > fault_at && !fault_persist))
        return 0;
    if (!fault_errno) {
        kill(getpid(), SIGKILL);
        _exit(137);  /* not reached: SIGKILL cannot be caught */
    }
    return fault_errno;
}

#define FD_POINT(call, fd, fail)                                 \
    do {                                                         \
        char p_[2 * PATH_MAX];                                   \
        if (fd != log_fd && watched_fd(fd, p_, sizeof p_)) {     \
            int e_ = point(call, p_);                            \
            if (e_) { errno = e_; return fail; }                 \
        }                                                        \
    } while (0)

/* A full disk never fails an unlink (it frees space), so ENOSPC lets unlinks through. */
#define PATH_POINT(call, dirfd, name, fail)                           \
    do {                                                              \
        char p_[2 * PATH_MAX];                                        \
        if (watched_at(dirfd, name, p_, sizeof p_)) {                 \
            int e_ = point(call, p_);                                 \
            if (e_ == ENOSPC && strncmp(call, "unlink", 6) == 0)      \
                e_ = 0;                                               \
            if (e_) { errno = e_; return fail; }                      \
        }                                                             \
    } while (0)

ssize_t write(int fd, const void *buf, size_t count)
{
    FD_POINT("write", fd, -1);
    return real_write(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    FD_POINT("pwrite", fd, -1);
    return real_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset)
{
    FD_POINT("pwrite64", fd, -1);
    return real_pwrite64(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    FD_POINT("writev", fd, -1);
    return real_writev(fd, iov, iovcnt);
}

int fsync(int fd)
{
    FD_POINT("fsync", fd, -1);
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    FD_POINT("fdatasync", fd, -1);
    return real_fdatasync(fd);
}

int ftruncate(int fd, off_t length)
{
    FD_POINT("ftruncate", fd, -1);
    return real_ftruncate(fd, length);
}

int ftruncate64(int fd, off_t length)
{
    FD_POINT("ftruncate64", fd, -1);
    return real_ftruncate64(fd, length);
}

int rename(const char *old, const char *new)
{
    PATH_POINT("rename", AT_FDCWD, new, -1);
    return real_rename(old, new);
}

int renameat(int olddirfd, const char *old, int newdirfd, const char *new)
{
    PATH_POINT("renameat", newdirfd, new, -1);
    return real_renameat(olddirfd, old, newdirfd, new);
}

int renameat2(int olddirfd, const char *old, int newdirfd, const char *new, unsigned int flags)
{
    PATH_POINT("renameat2", newdirfd, new, -1);
    if (!real_renameat2) { errno = ENOSYS; return -1; }
    return real_renameat2(olddirfd, old, newdirfd, new, flags);
}

int unlink(const char *path)
{
    PATH_POINT("unlink", AT_FDCWD, path, -1);
    return real_unlink(path);
}

int unlinkat(int dirfd, const char *path, int flags)
{
    PATH_POINT("unlinkat", dirfd, path, -1);
    return real_unlinkat(dirfd, path, flags);
}

int link(const char *old, const char *new)
{
    PATH_POINT("link", AT_FDCWD, new, -1);
    return real_link(old, new);
}

int linkat(int olddirfd, const char *old, int newdirfd, const char *new, int flags)
{
    PATH_POINT("linkat", newdirfd, new, -1);
    return real_linkat(olddirfd, old, newdirfd, new, flags);
}
