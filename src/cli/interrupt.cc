// InstallInterruptHandlers(), Interrupted(), CheckInterrupted(); see interrupt.h.
#include "cli/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace deltaglider::cli {
namespace {

constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it
std::atomic<bool> interrupted{false};
std::atomic<int> interruptible{0};  // InterruptibleWork scopes alive
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void OnInterrupt(int /*signal*/) {
  if (interruptible.load() == 0 || interrupted.exchange(true)) {
    // Nothing in flight to stop (or asked twice): say so in one line, leave now.
    static constexpr char kLine[] = "deltaglider: interrupted\n";
    [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, kLine, sizeof(kLine) - 1);
    _exit(kExitInterrupted);
  }
}

}  // namespace

void InstallInterruptHandlers() {
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

InterruptibleWork::InterruptibleWork() { interruptible.fetch_add(1); }
InterruptibleWork::~InterruptibleWork() { interruptible.fetch_sub(1); }

bool Interrupted() { return interrupted.load(); }

Status CheckInterrupted() {
  if (!Interrupted()) return OkStatus();
  return MakeError(ErrorCode::kCancelled, "interrupted");
}

}  // namespace deltaglider::cli
