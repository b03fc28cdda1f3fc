// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>
#include "lib/array_size.h"
#include "lib/cgroup.h"
#include "lib/parse.h"

#define WALK_MAX_DEPTH 64
/* The file handle type kernfs (cgroup2) uses: the 64-bit cgroup ID. */
#define FILEID_KERNFS 0xfe

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

int cgroup2_mount_parse(FILE *mountinfo, char *buf, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int err = -ENOENT;

	while (getline(&line, &cap, mountinfo) > 0) {
		char *save = NULL, *mnt = NULL, *tok, *root = NULL;
		int field = 0;
		bool after_sep = false;

		for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
			field++;
			if (field == 4)
				root = tok;
			else if (field == 5)
				mnt = tok;
			else if (field > 6 && !strcmp(tok, "-"))
				after_sep = true;
			else if (after_sep)
				break;
		}
		/* The first field after " - " is the filesystem type; a mount
		 * point is absolute (a line that says otherwise is not one). */
		if (!tok || !mnt || !root || strcmp(tok, "cgroup2") || strcmp(root, "/") ||
		    mnt[0] != '/')
			continue;
		unescape_octal(mnt);
		if (strlen(mnt) >= len)
			continue;
		snprintf(buf, len, "%s", mnt);
		err = 0;
		break;
	}
	free(line);
	return err;
}

const char *cgroup2_mount(void)
{
	static char mnt[PATH_MAX];
	static int state; /* 0 unknown, 1 found, -1 absent */
	FILE *f;

	if (state)
		return state > 0 ? mnt : NULL;
	f = fopen("/proc/self/mountinfo", "re");
	state = f && !cgroup2_mount_parse(f, mnt, sizeof(mnt)) ? 1 : -1;
	if (f)
		fclose(f);
	return state > 0 ? mnt : NULL;
}

int cgroup_id_of(const char *path, uint64_t *id)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*id = st.st_ino;
	return 0;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

const char *cgroup_container_id(const char *name, size_t *n)
{
	static const char *const prefixes[] = { "docker-", "cri-containerd-", "crio-",
						"libpod-", "containerd-",     "" };
	size_t len = strlen(name);

	if (len > 6 && !strcmp(name + len - 6, ".scope"))
		len -= 6;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t p = strlen(prefixes[i]);

		if (strncmp(name, prefixes[i], p) || len < p + 12)
			continue;
		if (is_hex(name + p, len - p)) {
			*n = len - p;
			return name + p;
		}
	}
	return NULL;
}

/* A runtime's cgroup names: the prefix before the ID, and the runtime. */
static const struct {
	const char *prefix, *runtime;
} runtimes[] = {
	{ "docker-", "docker" }, { "cri-containerd-", "containerd" }, { "crio-", "crio" },
	{ "libpod-", "podman" }, { "containerd-", "containerd" },
};

/* A bare ID's runtime, from the directory it is in (the cgroupfs drivers). */
static const char *bare_runtime(const char *parent, size_t len)
{
	if (len == 6 && !strncmp(parent, "docker", 6))
		return "docker";
	if (len == 13 && !strncmp(parent, "libpod_parent", 13))
		return "podman";
	return "container";
}

/* Component [name, name + len) of a path, after `parent` (its length plen):
 * a container's, with the whole ID (CGROUP_CONTAINER_ID_LEN digits)? */
static bool component_container(const char *name, size_t len, const char *parent, size_t plen,
				struct cgroup_container *c)
{
	if (len > 6 && !strncmp(name + len - 6, ".scope", 6))
		len -= 6;
	for (size_t i = 0; i < ARRAY_SIZE(runtimes); i++) {
		size_t p = strlen(runtimes[i].prefix);

		if (len == p + CGROUP_CONTAINER_ID_LEN && !strncmp(name, runtimes[i].prefix, p) &&
		    is_hex(name + p, CGROUP_CONTAINER_ID_LEN)) {
			c->runtime = runtimes[i].runtime;
			c->id = name + p;
			return true;
		}
	}
	if (len != CGROUP_CONTAINER_ID_LEN || !is_hex(name, len))
		return false;
	c->runtime = bare_runtime(parent, plen);
	c->id = name;
	return true;
}

bool cgroup_container_of(const char *path, struct cgroup_container *c)
{
	const char *end = path + strlen(path), *name, *parent;

	/* The deepest component that names one: a container's own cgroups
	 * (libpod-<id>.scope/container) are the container's. */
	while (end > path) {
		name = end;
		while (name > path && name[-1] != '/')
			name--;
		parent = name > path ? name - 1 : name;
		while (parent > path && parent[-1] != '/')
			parent--;
		if (component_container(name, end - name, parent,
					name > path ? name - 1 - parent : 0, c)) {
			c->rest = end;
			return true;
		}
		end = name > path ? name - 1 : path;
	}
	return false;
}

const char *cgroup_display_name(const char *path, char *buf, size_t len)
{
	struct cgroup_container c;

	if (cgroup_container_of(path, &c))
		snprintf(buf, len, "%s:%.*s%s", c.runtime, CGROUP_CONTAINER_SHORT, c.id, c.rest);
	else
		snprintf(buf, len, "%s", path);
	return buf;
}

struct walk {
	/* What is looked for: an ID, or a container ID prefix. */
	uint64_t id;
	const char *prefix;
	size_t prefix_len;
	/* Every directory seen, when filling the ID cache. */
	void (*visit)(uint64_t id, const char *path, void *ctx);
	void *ctx;
	char found[PATH_MAX];
	unsigned matches;
};

static bool walk_matches(struct walk *w, const char *name, uint64_t ino)
{
	size_t n;
	const char *cid;

	if (w->prefix) {
		cid = cgroup_container_id(name, &n);
		return cid && n >= w->prefix_len && !strncmp(cid, w->prefix, w->prefix_len);
	}
	return w->id && ino == w->id;
}

static void walk_dir(struct walk *w, char *path, size_t len, int depth)
{
	size_t base = strlen(path);
	struct dirent *d;
	DIR *dir;

	if (depth > WALK_MAX_DEPTH || !(dir = opendir(path)))
		return;
	while ((d = readdir(dir))) {
		struct stat st;

		if (d->d_type != DT_DIR || !strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (base + 1 + strlen(d->d_name) >= len)
			continue;
		path[base] = '/';
		snprintf(path + base + 1, len - base - 1, "%s", d->d_name);
		if (!lstat(path, &st)) {
			if (w->visit)
				w->visit(st.st_ino, path, w->ctx);
			if (walk_matches(w, d->d_name, st.st_ino) && !w->matches++)
				snprintf(w->found, sizeof(w->found), "%s", path);
		}
		/* An ID is unique: stop once found. */
		if (!(w->id && w->matches))
			walk_dir(w, path, len, depth + 1);
		path[base] = '\0';
		if (w->id && w->matches)
			break;
	}
	closedir(dir);
}

static void walk_tree(struct walk *w, const char *mnt)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s", mnt);
	if (!stat(path, &st)) {
		if (w->visit)
			w->visit(st.st_ino, path, w->ctx);
		if (w->id && st.st_ino == w->id && !w->matches++)
			snprintf(w->found, sizeof(w->found), "%s", path);
	}
	if (!(w->id && w->matches))
		walk_dir(w, path, sizeof(path), 0);
}

/* `path` is a directory under `mnt` once ".." and symlinks are resolved. */
static int dir_under(const char *mnt, const char *path, char *out, size_t len)
{
	char real[PATH_MAX], realmnt[PATH_MAX];
	size_t m;

	if (!realpath(path, real) || !realpath(mnt, realmnt))
		return -ENOENT;
	m = strlen(realmnt);
	if (strncmp(real, realmnt, m) || (real[m] != '/' && real[m] != '\0'))
		return -ENOENT;
	if (strlen(real) >= len)
		return -ENAMETOOLONG;
	snprintf(out, len, "%s", real);
	return 0;
}

static int resolve_path(const char *mnt, const char *arg, char *path, size_t len)
{
	char cand[PATH_MAX];
	size_t m = strlen(mnt);

	if (arg[0] == '/' && !strncmp(arg, mnt, m) && (arg[m] == '/' || arg[m] == '\0'))
		snprintf(cand, sizeof(cand), "%s", arg);
	else
		snprintf(cand, sizeof(cand), "%s/%s", mnt, arg + (arg[0] == '/'));
	return dir_under(mnt, cand, path, len);
}

int cgroup_resolve(const char *mnt, const char *arg, char *path, size_t len, uint64_t *id)
{
	struct walk w = { 0 };
	size_t n = strlen(arg);

	if (!*arg)
		return -ENOENT;
	/* No cgroup has ID 0; twenty digits or more are a container ID. */
	if (n < 20 && !parse_decimal(arg, 1, UINT64_MAX, &w.id)) {
		walk_tree(&w, mnt);
		if (w.matches) {
			snprintf(path, len, "%s", w.found);
			*id = w.id;
			return 0;
		}
	}
	/* A file such as cgroup.procs is not a cgroup. */
	if (!resolve_path(mnt, arg, path, len) && !cgroup_id_of(path, id))
		return 0;
	if (n < 12 || !is_hex(arg, n))
		return -ENOENT;
	memset(&w, 0, sizeof(w));
	w.prefix = arg;
	w.prefix_len = n;
	walk_tree(&w, mnt);
	if (w.matches > 1)
		return -EINVAL;
	if (!w.matches)
		return -ENOENT;
	snprintf(path, len, "%s", w.found);
	return cgroup_id_of(path, id);
}

/* The ID -> path cache for display: open addressing, cleared when full. */
#define CACHE_SIZE 4096
#define CACHE_MAX_FILL (CACHE_SIZE * 3 / 4)

static struct cache_entry {
	uint64_t id;
	char *path; /* relative to the mount; NULL: known to be gone */
} cache[CACHE_SIZE];
static unsigned cache_fill;
static char cache_mnt[PATH_MAX];

static void cache_clear(void)
{
	for (unsigned i = 0; i < CACHE_SIZE; i++) {
		free(cache[i].path);
		cache[i].path = NULL;
		cache[i].id = 0;
	}
	cache_fill = 0;
}

static struct cache_entry *cache_slot(uint64_t id)
{
	unsigned i = (id * 0x9e3779b97f4a7c15ULL) >> 52;

	while (cache[i].id && cache[i].id != id)
		i = (i + 1) % CACHE_SIZE;
	return &cache[i];
}

static void cache_put(uint64_t id, const char *abs_path, void *ctx)
{
	size_t m = strlen(cache_mnt);
	struct cache_entry *e;
	const char *rel;

	(void)ctx;
	if (!id)
		return;
	if (cache_fill >= CACHE_MAX_FILL)
		cache_clear();
	e = cache_slot(id);
	if (e->id)
		free(e->path);
	else
		cache_fill++;
	e->id = id;
	e->path = NULL;
	if (!abs_path)
		return;
	rel = abs_path + m;
	e->path = strdup(*rel ? rel : "/");
}

/* Fast path: the kernel opens a cgroup by ID (needs CAP_DAC_READ_SEARCH). */
static int path_by_handle(const char *mnt, uint64_t id, char *out, size_t len)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS } };
	char link[64];
	int mfd, fd;
	ssize_t n;

	memcpy(h.fh.f_handle, &id, sizeof(id));
	mfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return -errno;
	fd = open_by_handle_at(mfd, &h.fh, O_RDONLY | O_CLOEXEC);
	close(mfd);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return 0;
}

/* Only cgroup2 understands a cgroup ID as a file handle; elsewhere ESTALE
 * says nothing about the ID. */
static bool is_cgroup2(const char *mnt)
{
	struct statfs sfs;

	return !statfs(mnt, &sfs) && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

const char *cgroup_path_under(const char *mnt, uint64_t id)
{
	char abs_path[PATH_MAX];
	struct cache_entry *e;
	int err;

	if (strcmp(mnt, cache_mnt)) {
		cache_clear();
		snprintf(cache_mnt, sizeof(cache_mnt), "%s", mnt);
	}
	e = cache_slot(id);
	if (e->id == id)
		return e->path;
	err = path_by_handle(mnt, id, abs_path, sizeof(abs_path));
	if (!err && !strncmp(abs_path, mnt, strlen(mnt))) {
		cache_put(id, abs_path, NULL);
	} else if ((err == -ESTALE || err == -ENOENT) && is_cgroup2(mnt)) {
		cache_put(id, NULL, NULL); /* gone */
	} else {
		/* No handle support or no privilege: learn the whole tree once. */
		struct walk w = { .visit = cache_put };

		walk_tree(&w, mnt);
		if (cache_slot(id)->id != id)
			cache_put(id, NULL, NULL);
	}
	return cache_slot(id)->path;
}

const char *cgroup_path_of(uint64_t id)
{
	const char *mnt = cgroup2_mount();

	return mnt ? cgroup_path_under(mnt, id) : NULL;
}
