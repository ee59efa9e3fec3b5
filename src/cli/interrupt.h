// Ctrl-C for the CLI. While a file transfer runs (an InterruptibleWork scope), the
// first SIGINT or SIGTERM only raises a flag: every transfer checks it at each step
// it reports (CheckInterrupted, through its progress observer), so in-flight puts
// and gets fail as on any error (a put stores nothing, a download leaves no file, a
// multipart upload is aborted, temp files are removed), recursive commands start
// no new file, and main() exits 130 with one line. Outside such work (listing,
// gc, ...), and on a second signal, the process exits at once (130), as it did by
// default. The handler does nothing but atomic loads and stores and _exit.
#pragma once

#include "deltaglider/result.h"

namespace deltaglider::cli {

// Installs the handlers (also over an inherited "ignore", as a script's `cmd &` sets).
void InstallInterruptHandlers();

// Marks work that stops cleanly on CheckInterrupted() for as long as it lives
// (nests; any thread).
class InterruptibleWork {
 public:
  InterruptibleWork();
  ~InterruptibleWork();
  InterruptibleWork(const InterruptibleWork&) = delete;
  InterruptibleWork& operator=(const InterruptibleWork&) = delete;
};

// True once a first SIGINT/SIGTERM arrived.
bool Interrupted();

// kCancelled ("interrupted") once Interrupted(), else ok.
Status CheckInterrupted();

}  // namespace deltaglider::cli
