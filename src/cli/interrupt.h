// Ctrl-C for the CLI. The first SIGINT or SIGTERM only raises a flag: every file
// transfer checks it at each step it reports (CheckInterrupted, through its
// progress observer), so in-flight puts and gets fail as on any error (a put
// stores nothing, a download leaves no file, a multipart upload is aborted, temp
// files are removed), recursive commands start no new file, and main() exits 130
// with one line. A second signal exits at once (130). The handler does nothing
// but an atomic store and, the second time, _exit.
#pragma once

#include "deltaglider/result.h"

namespace deltaglider::cli {

// Installs the handlers (also over an inherited "ignore", as a script's `cmd &` sets).
void InstallInterruptHandlers();

// True once a first SIGINT/SIGTERM arrived.
bool Interrupted();

// kCancelled ("interrupted") once Interrupted(), else ok.
Status CheckInterrupted();

}  // namespace deltaglider::cli
