// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include "lib/err.h"
#include "lib/log.h"

int sonde_exit_code(int err)
{
	switch (-err) {
	case 0:
	case EPIPE:
	case EINTR:
	case ECANCELED:
		return SONDE_EXIT_OK;
	case EINVAL:
	case ERANGE:
	case E2BIG:
		return SONDE_EXIT_USAGE;
	case EPERM:
	case EACCES:
	case ENOENT:
	case ENODEV:
	case ENXIO:
	case ENOSYS:
	case ENOTSUP:
	case ESRCH:
		return SONDE_EXIT_ENV;
	default:
		return SONDE_EXIT_RUNTIME;
	}
}

int sonde_exit(int err)
{
	if (fflush(stdout) && errno != EPIPE && !err) {
		log_err("writing output: %m");
		err = -EIO;
	}
	return sonde_exit_code(err);
}
