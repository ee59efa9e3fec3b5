// ProvenStreams: a stream is found again only for the same payload, method and
// reference, once; the store stays within its bytes; and RebuildDeflateStream
// never returns a remembered stream that does not match the recorded size and
// CRC32 (it deflates instead).
#include "codec/proven_streams.h"

#include <gtest/gtest.h>

#include "codec/codec_test_util.h"
#include "codec/deflate/deflate.h"
#include "codec/inflate_raw.h"

namespace deltaglider {
namespace {

using testing::Bytes;
using testing::TextRelease;

const DeflateMethod kLevel6{DeflateProfile{DeflateProfile::kVanilla, 6, 8}, {}};
const DeflateMethod kLevel9{DeflateProfile{DeflateProfile::kVanilla, 9, 8}, {}};

Bytes Deflated(const Bytes& payload, const DeflateMethod& method) {
  VectorSink out;
  EXPECT_TRUE(Deflate(payload, method.profile, out).ok());
  return out.bytes();
}

TEST(ProvenStreams, FindsAStreamOnceForTheSamePayloadMethodAndReference) {
  const Bytes payload = TextRelease(1, 100000);
  const Bytes stream = Deflated(payload, kLevel6);
  const Bytes other_stream = Deflated(TextRelease(2, 100000), kLevel6);
  const Bytes other_payload = TextRelease(2, 100000);
  const ReferenceEntry reference{other_stream, other_payload, nullptr};
  ProvenStreams proven(1 << 20);
  proven.Add(payload, kLevel6, &reference, stream);

  EXPECT_FALSE(proven.Take(other_payload, kLevel6, &reference));  // another payload
  EXPECT_FALSE(proven.Take(payload, kLevel9, &reference));        // another method
  EXPECT_FALSE(proven.Take(payload, kLevel6, nullptr));           // another reference
  DeflateMethod with_recipe = kLevel6;
  with_recipe.recipe = {std::byte{1}};
  EXPECT_FALSE(proven.Take(payload, with_recipe, &reference));
  const auto found = proven.Take(payload, kLevel6, &reference);
  ASSERT_TRUE(found);
  EXPECT_EQ(Bytes(found->bytes.begin(), found->bytes.end()), stream);
  EXPECT_FALSE(proven.Take(payload, kLevel6, &reference));  // handed out once
}

TEST(ProvenStreams, KeepsNothingTheRebuildCopiesAndStaysWithinItsBytes) {
  const Bytes a = TextRelease(1, 60000);
  const Bytes b = TextRelease(2, 60000);
  const Bytes a_stream = Deflated(a, kLevel6);
  const Bytes b_stream = Deflated(b, kLevel6);
  // The reference holds this very stream: the rebuild copies it, nothing to keep.
  const ReferenceEntry same{a_stream, a, nullptr};
  ProvenStreams proven(a_stream.size() + b_stream.size() / 2);
  proven.Add(a, kLevel6, &same, a_stream);
  EXPECT_FALSE(proven.Take(a, kLevel6, &same));

  proven.Add(a, kLevel6, nullptr, a_stream);
  proven.Add(b, kLevel6, nullptr, b_stream);  // no room for both: the oldest goes
  EXPECT_FALSE(proven.Take(a, kLevel6, nullptr));
  EXPECT_TRUE(proven.Take(b, kLevel6, nullptr));

  ProvenStreams none(0);
  none.Add(a, kLevel6, nullptr, a_stream);
  EXPECT_FALSE(none.Take(a, kLevel6, nullptr));
}

// Streams held where they are (a spooled archive's mapped file) are not copied
// and not charged to the byte budget; their number is bounded instead.
TEST(ProvenStreams, HeldStreamsStayInTheirOwnerAndAreBoundedInNumber) {
  std::vector<Bytes> payloads;
  for (int i = 0; i <= static_cast<int>(ProvenStreams::kMaxHeld); ++i)
    payloads.push_back(TextRelease(i, 20000));
  auto owner = std::make_shared<const VectorBlob>(Deflated(payloads[0], kLevel6));
  ProvenStreams proven(1);  // no room for any copy
  for (const Bytes& payload : payloads)
    proven.AddHeld(payload, kLevel6, nullptr, owner->bytes(), owner);
  EXPECT_FALSE(proven.Take(payloads[0], kLevel6, nullptr));  // the oldest went
  const auto found = proven.Take(payloads[1], kLevel6, nullptr);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->bytes.data(), owner->bytes().data());  // not a copy
  EXPECT_EQ(found->owner, owner);

  ProvenStreams none(0);
  none.AddHeld(payloads[0], kLevel6, nullptr, owner->bytes(), owner);
  EXPECT_FALSE(none.Take(payloads[0], kLevel6, nullptr));
}

TEST(ProvenStreams, ARememberedStreamMustStillMatchTheRecordedSizeAndCrc) {
  const Bytes payload = TextRelease(3, 80000);
  const Bytes stream = Deflated(payload, kLevel6);
  ProvenStreams proven(1 << 20);
  Bytes wrong = stream;
  wrong[wrong.size() / 2] ^= std::byte{1};
  proven.Add(payload, kLevel6, nullptr, wrong);
  const auto rebuilt = RebuildDeflateStream("test", payload, kLevel6, stream.size(), Crc32(stream),
                                            nullptr, &proven);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().message;
  EXPECT_EQ(*rebuilt, stream);

  proven.Add(payload, kLevel6, nullptr, stream);
  const auto taken = RebuildDeflateStream("test", payload, kLevel6, stream.size(), Crc32(stream),
                                          nullptr, &proven);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(*taken, stream);
  EXPECT_FALSE(proven.Take(payload, kLevel6, nullptr));  // it was the one taken
}

}  // namespace
}  // namespace deltaglider
