/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Everything a tool's main() needs from libsonde. */
#ifndef SONDE_LIB_SONDE_H
#define SONDE_LIB_SONDE_H

#include "lib/array_size.h"
#include "lib/cgroup.h"
#include "lib/err.h"
#include "lib/evloop.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/names.h"
#include "lib/opts.h"
#include "lib/out.h"
#include "lib/parse.h"
#include "lib/probe.h"
#include "lib/stream.h"

#endif
