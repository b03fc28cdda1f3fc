/* Everything a tool's main() needs from libsonde. */
#ifndef SONDE_H
#define SONDE_H

#include "cgroup.h"
#include "err.h"
#include "evloop.h"
#include "hist.h"
#include "loader.h"
#include "log.h"
#include "names.h"
#include "opts.h"
#include "out.h"
#include "parse.h"
#include "probe.h"
#include "stream.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
