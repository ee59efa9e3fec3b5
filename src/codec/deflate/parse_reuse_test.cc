// The guided deflater against the unguided one: for every lazy profile and for
// payloads changed in the ways release series change (edits, insertions,
// deletions, moved blocks, a change every 20 KiB), a run guided by the
// reference's parse must give exactly the bytes of a full search, and must
// actually copy most of an unchanged stretch (else the shortcut is dead code).
// A reference written by another profile gives other bytes, which the callers'
// checks catch. Also the common runs themselves.
#include "codec/deflate/parse_reuse.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "codec/deflate/deflate.h"
#include "deltaglider/stream.h"
#include "tests/testutil/deflate_inputs.h"

namespace deltaglider::deflate {
namespace {

using testing::Bytes;
using testing::TextInput;

Bytes Deflated(const Bytes& input, const DeflateProfile& profile, const ParseReuse* reuse = nullptr,
               uint64_t* copied = nullptr) {
  VectorSink out;
  if (reuse == nullptr) {
    EXPECT_TRUE(Deflate(input, profile, out).ok());
    return std::move(out.bytes());
  }
  TokenGuide guide(*reuse);
  EXPECT_TRUE(Deflate(input, profile, out, &guide).ok());
  if (copied != nullptr) *copied = guide.copied_bytes();
  return std::move(out.bytes());
}

Bytes Replace(Bytes bytes, size_t at, size_t erase, const Bytes& insert) {
  bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at),
              bytes.begin() + static_cast<std::ptrdiff_t>(at + erase));
  bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), insert.begin(), insert.end());
  return bytes;
}

Bytes Text(const std::string& s) {
  Bytes out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

struct Edit {
  std::string name;
  Bytes target;
};

// Targets made from `reference` the way versions differ.
std::vector<Edit> Edits(const Bytes& reference) {
  std::vector<Edit> edits = {
      {"same", reference},
      {"one byte", Replace(reference, 200000, 1, Text("#"))},
      {"insert", Replace(reference, 150000, 0, TextInput(777, 9))},
      {"delete", Replace(reference, 250000, 5000, {})},
      {"head and tail", Replace(Replace(reference, reference.size() - 100, 100, Text("end")), 10, 3,
                                Text("version 2.0.1"))},
      {"moved block", Replace(Replace(reference, 300000, 40000, {}), 60000, 0,
                              Bytes(reference.begin() + 300000, reference.begin() + 340000))},
  };
  Bytes every_20k = reference;
  for (size_t at = 1000; at < every_20k.size(); at += 20 * 1024) every_20k[at] ^= std::byte{1};
  edits.push_back({"every 20 KiB", every_20k});
  return edits;
}

TEST(ParseReuse, GuidedRunsGiveTheBytesOfAFullSearch) {
  const Bytes reference = TextInput(400000, 11);
  using P = DeflateProfile;
  for (const P& profile :
       {P{P::kVanilla, 6, 8}, P{P::kVanilla, 9, 8}, P{P::kVanilla, 4, 8}, P{P::kVanilla, 9, 1},
        P{P::kChromiumAnzac, 9, 8}, P{P::kChromiumCrc32c, 6, 8}, P{P::kGzip, 6, 8},
        P{P::kGzip, 9, 8}, P{P::kVanilla, 1, 8}}) {
    const Bytes stream = Deflated(reference, profile);
    for (const Edit& edit : Edits(reference)) {
      SCOPED_TRACE(DeflateProfileName(profile) + " / " + edit.name);
      auto reuse = ParseReuse::Make(stream, reference, edit.target);
      ASSERT_TRUE(reuse.ok()) << reuse.error().message;
      const Bytes expected = Deflated(edit.target, profile);
      EXPECT_EQ(Deflated(edit.target, profile, &*reuse), expected);
      TokenGuide guide(*reuse);
      EXPECT_TRUE(DeflateReproduces(edit.target, profile, expected, &guide));
    }
  }
}

// Incompressible bytes between text, as in an archive of sources and images:
// the deflater writes stored blocks there, which show bytes but not the
// decisions the matcher made on them. A guide that copied those bytes as
// literals gave other streams than a full search (found on such archives).
TEST(ParseReuse, NeverCopiesThroughAStoredBlock) {
  Bytes reference = TextInput(200000, 11);
  const Bytes noise = testing::RandomInput(120000, 3);
  const Bytes tail = TextInput(200000, 12);
  reference.insert(reference.end(), noise.begin(), noise.end());
  reference.insert(reference.end(), tail.begin(), tail.end());
  using P = DeflateProfile;
  for (const P& profile : {P{P::kVanilla, 6, 8}, P{P::kVanilla, 9, 8}, P{P::kGzip, 6, 8},
                           P{P::kChromiumCrc32c, 9, 8}}) {
    const Bytes stream = Deflated(reference, profile);
    for (const Edit& edit : Edits(reference)) {
      SCOPED_TRACE(DeflateProfileName(profile) + " / " + edit.name);
      auto reuse = ParseReuse::Make(stream, reference, edit.target);
      ASSERT_TRUE(reuse.ok()) << reuse.error().message;
      ASSERT_FALSE(reuse->parse().stored.empty());
      uint64_t copied = 0;
      EXPECT_TRUE(Deflated(edit.target, profile, &*reuse, &copied) ==
                  Deflated(edit.target, profile));
      if (edit.name == "same") {
        EXPECT_GT(copied, 300000u);  // the text on both sides
      }
    }
  }
}

TEST(ParseReuse, CopiesWhatIsUnchangedAndSearchesAroundChanges) {
  const Bytes reference = TextInput(400000, 5);
  const DeflateProfile profile{DeflateProfile::kVanilla, 9, 8};
  const Bytes stream = Deflated(reference, profile);
  for (const Edit& edit : Edits(reference)) {
    SCOPED_TRACE(edit.name);
    auto reuse = ParseReuse::Make(stream, reference, edit.target);
    ASSERT_TRUE(reuse.ok());
    uint64_t copied = 0;
    EXPECT_EQ(Deflated(edit.target, profile, &*reuse, &copied), Deflated(edit.target, profile));
    if (edit.name == "every 20 KiB") {
      EXPECT_LT(copied, 1000u);  // only before the first change: no later stretch holds 32 KiB
    } else {
      // Each change costs its own bytes plus 32 KiB searched before copying resumes.
      EXPECT_GT(copied, edit.target.size() - 100000) << copied;
    }
  }
}

// A guided run over a long enough input is split in two at a point inside a
// shared run, well clear of its ends and of the input's end; the two halves'
// tokens coded together are the bytes of a full search (the test above runs
// every profile and edit through such splits).
TEST(ParseReuse, LongInputsSplitInsideASharedRun) {
  const Bytes reference = TextInput(400000, 5);
  const Bytes target = Replace(reference, 120000, 1, Text("#"));
  const DeflateProfile profile{DeflateProfile::kVanilla, 9, 8};
  auto reuse = ParseReuse::Make(Deflated(reference, profile), reference, target);
  ASSERT_TRUE(reuse.ok());
  const std::optional<uint64_t> split = TokenGuide::SplitPoint(*reuse, target.size());
  ASSERT_TRUE(split.has_value());
  EXPECT_GE(*split, 120001u + 80 * 1024);  // in the run after the edit
  EXPECT_LE(*split, target.size() - 64 * 1024);
  EXPECT_EQ(Deflated(target, profile, &*reuse), Deflated(target, profile));
  // Every 20 KiB a change: no run holds a split.
  Bytes spotted = reference;
  for (size_t at = 1000; at < spotted.size(); at += 20 * 1024) spotted[at] ^= std::byte{1};
  auto none = ParseReuse::Make(Deflated(reference, profile), reference, spotted);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(TokenGuide::SplitPoint(*none, spotted.size()).has_value());
}

TEST(ParseReuse, AReferenceFromAnotherProfileIsNotTrusted) {
  const Bytes reference = TextInput(300000, 3);
  const Bytes target = Replace(reference, 100000, 1, Text("!"));
  const DeflateProfile written{DeflateProfile::kVanilla, 6, 8};
  const DeflateProfile replayed{DeflateProfile::kVanilla, 9, 8};
  auto reuse = ParseReuse::Make(Deflated(reference, written), reference, target);
  ASSERT_TRUE(reuse.ok());
  EXPECT_NE(Deflated(target, replayed, &*reuse), Deflated(target, replayed));
}

TEST(ParseReuse, RejectsAStreamThatIsNotThePayloads) {
  const Bytes reference = TextInput(10000, 3);
  Bytes stream = Deflated(reference, {DeflateProfile::kVanilla, 6, 8});
  EXPECT_FALSE(ParseReuse::Make(stream, TextInput(10000, 4), reference).ok());
  stream.resize(stream.size() / 2);
  EXPECT_FALSE(ParseReuse::Make(stream, reference, reference).ok());
}

TEST(FindCommonRuns, FindsShiftedRunsAndNothingFalse) {
  const Bytes reference = TextInput(200000, 8);
  const Bytes target = Replace(Replace(reference, 150000, 10, {}), 50000, 0, Text("inserted!"));
  const std::vector<CommonRun> runs = FindCommonRuns(target, reference);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].shift, 0);
  EXPECT_EQ(runs[1].shift, -9);
  EXPECT_EQ(runs[2].shift, 1);
  uint64_t last_end = 0;
  for (const CommonRun& run : runs) {
    EXPECT_GE(run.begin, last_end);
    last_end = run.end;
    EXPECT_EQ(0, std::memcmp(target.data() + run.begin,
                             reference.data() + static_cast<int64_t>(run.begin) + run.shift,
                             run.end - run.begin));
  }
  EXPECT_EQ(runs.back().end, target.size());
  EXPECT_TRUE(FindCommonRuns(target, Bytes(10)).empty());
}

}  // namespace
}  // namespace deltaglider::deflate
