#include "core/logical_listing.h"

#include <algorithm>
#include <vector>

#include "core/delta_heads.h"
#include "core/file_description.h"
#include "core/key_layout.h"
#include "core/metadata.h"
#include "core/reference_group.h"

namespace deltaglider {
namespace {

// At most this many entries wait on a delta that could still precede them.
constexpr size_t kMaxHeld = 1024;

// Returned through the store's listing to stop it once the page is full.
Error PageFull() { return Error{ErrorCode::kInternal, "the listing page is full"}; }

std::string LogicalKeyOf(std::string_view delta_key) {
  return std::string(delta_key.substr(0, delta_key.size() - kDeltaSuffix.size()));
}

}  // namespace

LogicalListing::LogicalListing(ObjectStore& store, const ListRequest& request,
                               const FileVisitor& visit)
    : store_(store), request_(request), visit_(visit) {}

Result<ListPage> LogicalListing::Run() {
  const ListOptions options(request_.prefix, request_.delimiter, request_.start_after);
  const size_t window = HeadWindow(request_.head_concurrency);
  std::vector<ListEntry> batch;
  auto take_batch = [&]() -> Status {
    std::vector<std::optional<Result<ObjectHead>>> heads =
        HeadDeltas(store_, batch, request_.head_concurrency);
    for (size_t i = 0; i < batch.size(); ++i) DG_RETURN_IF_ERROR(Take(batch[i], heads[i]));
    batch.clear();
    return OkStatus();
  };
  Status status = store_.List(options, [&](const ListEntry& entry) -> Status {
    batch.push_back(entry);
    return batch.size() >= window ? take_batch() : OkStatus();
  });
  if (status.ok()) status = take_batch();
  if (status.ok())
    status = order_.Flush([this](ListedEntry&& entry) { return Emit(std::move(entry)); });
  if (full_) return page_;
  if (!status.ok()) return status.error();
  return page_;
}

Status LogicalListing::Take(const ListEntry& entry, std::optional<Result<ObjectHead>>& head) {
  Forget(entry.key);
  if (!entry.is_prefix && HasDeltaSuffix(entry.key)) {
    auto looked = looked_up_.find(LogicalKeyOf(entry.key));
    if (looked != looked_up_.end() && looked->second) return OkStatus();  // already held
  }
  DG_ASSIGN_OR_RETURN(std::optional<ListedEntry> listed, Listed(entry, head));
  if (!listed) return OkStatus();
  if (!listed->is_prefix && listed->file.stored_as != StoredAs::kDelta) directs_.insert(entry.key);
  DG_RETURN_IF_ERROR(order_.Add(entry.key, std::move(*listed),
                                [this](ListedEntry&& e) { return Emit(std::move(e)); }));
  if (order_.held() > HeldLimit()) return LookAhead(entry.key);
  return OkStatus();
}

Result<std::optional<ListedEntry>> LogicalListing::Listed(
    const ListEntry& entry, std::optional<Result<ObjectHead>>& head) const {
  ListedEntry listed;
  if (entry.is_prefix) {
    const std::string_view dir = std::string_view(entry.key).substr(0, entry.key.size() - 1);
    if (IsReferenceDirectory(Basename(dir))) return std::optional<ListedEntry>();
    listed.is_prefix = true;
    listed.file.key = entry.key;
    return std::optional(std::move(listed));
  }
  if (IsReferenceKey(entry.key)) return std::optional<ListedEntry>();
  if (HasDeltaSuffix(entry.key) && head.has_value()) {
    std::string logical = LogicalKeyOf(entry.key);
    if (directs_.contains(logical)) return std::optional<ListedEntry>();
    if (!head->ok() && head->code() == ErrorCode::kNotFound) {
      return std::optional<ListedEntry>();  // removed meanwhile
    }
    if (!head->ok()) return head->error().Wrap("list " + Uri(entry.key));
    if (Classify((*head)->metadata) == ObjectKind::kDelta) {
      Result<FileInfo> info = Describe(logical, **head, ObjectKind::kDelta);
      if (!info.ok()) return info.error().Wrap("list " + Uri(entry.key));
      listed.file = std::move(*info);
      return std::optional(std::move(listed));
    }
  }
  listed.file = DescribeListed(entry);
  return std::optional(std::move(listed));
}

Status LogicalListing::LookAhead(std::string_view stored_key) {
  const ListOptions options(request_.prefix, request_.delimiter);
  for (std::string_view ahead : DeltasStillAhead(stored_key)) {
    std::string logical(ahead);
    const std::string delta_key = DeltaKey(logical);
    if (!delta_key.starts_with(request_.prefix) || !CommonPrefixOf(delta_key, options).empty()) {
      continue;  // the listing would not show it
    }
    if (directs_.contains(logical) || looked_up_.contains(logical)) continue;
    Result<ObjectHead> head = store_.Head(delta_key);
    if (!head.ok() && head.code() != ErrorCode::kNotFound) {
      return head.error().Wrap("list " + Uri(delta_key));
    }
    const bool delta = head.ok() && Classify(head->metadata) == ObjectKind::kDelta;
    if (delta) {
      Result<FileInfo> info = Describe(logical, *head, ObjectKind::kDelta);
      if (!info.ok()) return info.error().Wrap("list " + Uri(delta_key));
      ListedEntry listed;
      listed.file = std::move(*info);
      order_.Hold(std::move(listed));
    }
    looked_up_.emplace(std::move(logical), delta);
  }
  // Every delta that could precede a held entry is held now or does not exist.
  return order_.Flush([this](ListedEntry&& entry) { return Emit(std::move(entry)); });
}

void LogicalListing::Forget(std::string_view stored_key) {
  std::erase_if(directs_, [&](const std::string& key) { return !stored_key.starts_with(key); });
  std::erase_if(looked_up_,
                [&](const auto& looked) { return DeltaKey(looked.first) < stored_key; });
}

Status LogicalListing::Emit(ListedEntry&& entry) {
  const std::string& key = entry.file.key;
  if (!request_.start_after.empty() && key <= request_.start_after) return OkStatus();
  if (last_ && key <= *last_) return OkStatus();  // written while listing, behind the position
  if (request_.max_keys != 0 && page_.entries == request_.max_keys) {
    page_.truncated = true;
    page_.next_start_after = *last_;
    full_ = true;
    return PageFull();
  }
  DG_RETURN_IF_ERROR(visit_(entry));
  ++page_.entries;
  last_ = key;
  return OkStatus();
}

size_t LogicalListing::HeldLimit() const {
  if (request_.max_keys == 0) return kMaxHeld;
  // A page that is nearly full should not wait for many more entries.
  return std::min<uint64_t>(kMaxHeld, request_.max_keys - page_.entries + 1);
}

std::string LogicalListing::Uri(std::string_view key) const {
  return "s3://" + store_.bucket() + "/" + std::string(key);
}

}  // namespace deltaglider
