// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common/bio.h"
#include "lib/bio.h"
#include "lib/log.h"
#include "lib/parse.h"

/* "MAJOR:MINOR\n", as in /sys/block/DISK/dev, as a dev_t. */
static int dev_parse(char *s, uint32_t *dev)
{
	char *minor = strchr(s, ':');
	uint64_t ma, mi;

	if (!minor)
		return -EINVAL;
	*minor++ = '\0';
	minor[strcspn(minor, "\n")] = '\0';
	if (parse_decimal(s, 0, (1u << (32 - BIO_MINOR_BITS)) - 1, &ma) ||
	    parse_decimal(minor, 0, (1u << BIO_MINOR_BITS) - 1, &mi))
		return -EINVAL;
	*dev = BIO_DEV(ma, mi);
	return 0;
}

int bio_disk_parse(const char *disk, uint32_t *dev)
{
	const char *name = strncmp(disk, "/dev/", 5) ? disk : disk + 5;
	char path[PATH_MAX], line[32];
	FILE *f = NULL;
	int err = -EINVAL;

	if (*name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") &&
	    snprintf(path, sizeof(path), "/sys/block/%s/dev", name) < (int)sizeof(path))
		f = fopen(path, "r");
	if (f) {
		if (fgets(line, sizeof(line), f))
			err = dev_parse(line, dev);
		fclose(f);
	}
	if (err)
		log_err("--disk: no disk '%s' in /sys/block", disk);
	return err;
}

/* Disks named so far: a run sees few. */
#define BIO_NAMES 64

static struct {
	uint32_t dev;
	char name[32];
} names[BIO_NAMES];
static unsigned nnames;

static const char *disk_name(uint32_t dev)
{
	char path[64], link[PATH_MAX];
	const char *base;
	unsigned i = 0;
	size_t len;
	ssize_t n;

	for (; i < nnames; i++)
		if (names[i].dev == dev)
			return names[i].name;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", dev >> BIO_MINOR_BITS,
		 dev & ((1u << BIO_MINOR_BITS) - 1));
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return NULL;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	len = strlen(base);
	if (len >= sizeof(names[0].name)) /* longer than the kernel's DISK_NAME_LEN */
		len = sizeof(names[0].name) - 1;
	i = nnames < BIO_NAMES ? nnames++ : dev % BIO_NAMES;
	names[i].dev = dev;
	memcpy(names[i].name, base, len);
	names[i].name[len] = '\0';
	return names[i].name;
}

void bio_out_disk(struct out *o, unsigned col, uint32_t dev)
{
	const char *name = disk_name(dev);

	if (name)
		out_str(o, col, name, strlen(name));
	else
		out_null(o, col, "?");
}

void bio_out_flags(struct out *o, unsigned col, uint32_t f)
{
	static const char ops[] = { [BIO_OP_READ] = 'R',
				    [BIO_OP_WRITE] = 'W',
				    [BIO_OP_FLUSH] = 'F',
				    [BIO_OP_DISCARD] = 'D',
				    [4] = 'N',
				    [BIO_OP_SECURE_ERASE] = 'E' };
	uint32_t op = f & BIO_OP_MASK;
	char s[8];
	size_t n = 0;

	if (f & BIO_F_PREFLUSH)
		s[n++] = 'F';
	s[n++] = op < sizeof(ops) ? ops[op] : 'N';
	if (f & BIO_F_FUA)
		s[n++] = 'F';
	if (f & BIO_F_RAHEAD)
		s[n++] = 'A';
	if (f & BIO_F_SYNC)
		s[n++] = 'S';
	if (f & BIO_F_META)
		s[n++] = 'M';
	out_str(o, col, s, n);
}
