// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* denyconnect: runs a command whose TCP connects the kernel refuses before a
 * SYN is sent, for the tests of the tracers that report failed connects.
 *
 *	denyconnect cgroup DIR CMD [ARG...]
 *	denyconnect landlock CMD [ARG...]
 *
 * cgroup: a cgroup/connect4 BPF program that refuses every IPv4 connect (it
 * returns 0, and connect() fails with EPERM) is linked to the cgroup v2
 * directory DIR; the process joins DIR and becomes CMD. CMD inherits the
 * link's file descriptor, so the program goes away when CMD and its
 * children have ended (or DIR is removed), whatever becomes of the test.
 * landlock: the process restricts itself with a Landlock rule set that
 * handles TCP connects and allows none (connect() fails with EACCES; Linux
 * 6.7 and later), then becomes CMD.
 * Raw system calls: no libbpf, no liblandlock. Exits 1 with a message when
 * the kernel refuses the setup. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "denyconnect: %s: %s\n", what, strerror(errno));
	return 1;
}

/* r0 = 0; exit: the connect is refused. */
static int deny_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
	a.expected_attach_type = BPF_CGROUP_INET4_CONNECT;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uintptr_t) "GPL";
	return syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
}

/* A link of prog to the cgroup at dir, kept open across exec. */
static int link_cgroup(int prog, const char *dir)
{
	int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	union bpf_attr a;
	int link;

	if (cg < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = prog;
	a.link_create.target_fd = cg;
	a.link_create.attach_type = BPF_CGROUP_INET4_CONNECT;
	link = syscall(SYS_bpf, BPF_LINK_CREATE, &a, sizeof(a));
	close(cg);
	if (link < 0 || fcntl(link, F_SETFD, 0))
		return -1;
	return link;
}

static int join_cgroup(const char *dir)
{
	char path[4096];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	err = fprintf(f, "%d\n", getpid()) < 0;
	return fclose(f) || err ? -1 : 0;
}

static int deny_cgroup(const char *dir)
{
	int prog = deny_prog();

	if (prog < 0)
		return fail("load a cgroup/connect4 program");
	if (link_cgroup(prog, dir) < 0)
		return fail("link it to the cgroup");
	close(prog);
	if (join_cgroup(dir))
		return fail("join the cgroup");
	return 0;
}

/* Landlock's rule set attribute with its network field (ABI 4), which
 * older uapi headers do not have. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};

#define ACCESS_NET_CONNECT_TCP (1ULL << 1)

static int deny_landlock(void)
{
	struct ruleset_attr a = { .handled_access_net = ACCESS_NET_CONNECT_TCP };
	int fd;

	fd = syscall(SYS_landlock_create_ruleset, &a, sizeof(a), 0);
	if (fd < 0)
		return fail("create a Landlock rule set (Linux 6.7+ with Landlock)");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_landlock_restrict_self, fd, 0))
		return fail("restrict this process with it");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char **cmd;
	int err;

	if (argc >= 4 && !strcmp(argv[1], "cgroup")) {
		err = deny_cgroup(argv[2]);
		cmd = argv + 3;
	} else if (argc >= 3 && !strcmp(argv[1], "landlock")) {
		err = deny_landlock();
		cmd = argv + 2;
	} else {
		fprintf(stderr, "usage: denyconnect cgroup DIR CMD [ARG...]\n"
				"       denyconnect landlock CMD [ARG...]\n");
		return 2;
	}
	if (err)
		return err;
	execvp(cmd[0], cmd);
	return fail(cmd[0]);
}
