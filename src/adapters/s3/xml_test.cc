// The S3 XML reader: real response shapes, URL-decoded listings, and hostile or
// broken documents, which must come back as kCorrupted without crashing.
#include "adapters/s3/xml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace deltaglider::s3 {
namespace {

using ::testing::HasSubstr;

TEST(Xml, ParsesElementsTextEntitiesAndCdata) {
  auto root = ParseXml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- hi -->"
      "<r:Root xmlns:r=\"urn:x\" a='1'><A>x &lt;&amp;&gt; &quot;&apos; &#65;&#x42;&#x65E5;</A>"
      "<B/><C><![CDATA[<raw & text>]]></C><A>second</A></r:Root>\n");
  ASSERT_TRUE(root.ok()) << root.error().message;
  EXPECT_EQ(root->name, "Root");
  ASSERT_EQ(root->children.size(), 4u);
  EXPECT_EQ(root->ChildText("A"), "x <&> \"' AB日");
  EXPECT_NE(root->Child("B"), nullptr);
  EXPECT_EQ(root->ChildText("B"), "");
  EXPECT_EQ(root->ChildText("C"), "<raw & text>");
  EXPECT_EQ(root->Child("Missing"), nullptr);
  EXPECT_EQ(root->ChildText("Missing"), "");
}

TEST(Xml, ListObjectsV2WithUrlEncoding) {
  // What S3 sends for encoding-type=url: keys and prefixes encoded, '+' for space
  // on AWS, %20 on moto; both decode to a space.
  const char* doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix></Prefix><KeyCount>4</KeyCount><MaxKeys>1000</MaxKeys>
  <Delimiter>%2F</Delimiter><EncodingType>url</EncodingType>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>with+space/a%20b.txt</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>
    <StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>%C3%BC%2Bplus</Key><LastModified>2009-10-12T17:50:30Z</LastModified>
    <ETag>"abc"</ETag><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>dir%2F</Prefix></CommonPrefixes>
  <CommonPrefixes><Prefix>a.dir/</Prefix></CommonPrefixes>
</ListBucketResult>)";
  auto page = ParseListObjectsV2(doc);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_TRUE(page->is_truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  ASSERT_EQ(page->entries.size(), 4u);
  // Merged into byte order: "a.dir/" < "dir/" < "with space/..." < "ü+plus".
  EXPECT_EQ(page->entries[0].key, "a.dir/");
  EXPECT_TRUE(page->entries[0].is_prefix);
  EXPECT_EQ(page->entries[1].key, "dir/");
  EXPECT_TRUE(page->entries[1].is_prefix);
  EXPECT_EQ(page->entries[2].key, "with space/a b.txt");
  EXPECT_FALSE(page->entries[2].is_prefix);
  EXPECT_EQ(page->entries[2].size, 434234u);
  EXPECT_EQ(page->entries[2].etag, "fba9dede5f27731c9771645a39863328");
  EXPECT_EQ(page->entries[2].last_modified,
            std::chrono::system_clock::from_time_t(1255369830) + std::chrono::milliseconds(0));
  EXPECT_EQ(page->entries[3].key, "ü+plus");
  EXPECT_EQ(page->entries[3].etag, "abc");
}

TEST(Xml, ListObjectsV2WithoutEncodingKeepsKeysVerbatim) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated>"
      "<Contents><Key>a+b%20c</Key><Size>1</Size></Contents></ListBucketResult>");
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_FALSE(page->is_truncated);
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].key, "a+b%20c");
  EXPECT_EQ(page->entries[0].last_modified, TimePoint{});
}

TEST(Xml, EmptyListing) {
  auto page = ParseListObjectsV2("<ListBucketResult><KeyCount>0</KeyCount></ListBucketResult>");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->entries.empty());
  EXPECT_FALSE(page->is_truncated);
}

TEST(Xml, ListBuckets) {
  auto buckets = ParseListBuckets(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01">
  <Owner><ID>abc</ID><DisplayName>webfile</DisplayName></Owner>
  <Buckets>
    <Bucket><Name>zeta</Name><CreationDate>2006-02-03T16:41:58.000Z</CreationDate></Bucket>
    <Bucket><Name>alpha</Name><CreationDate>2006-02-03T16:45:09.000Z</CreationDate></Bucket>
  </Buckets>
</ListAllMyBucketsResult>)");
  ASSERT_TRUE(buckets.ok()) << buckets.error().message;
  ASSERT_EQ(buckets->size(), 2u);
  EXPECT_EQ((*buckets)[0].name, "alpha");
  EXPECT_EQ((*buckets)[1].name, "zeta");
  EXPECT_NE((*buckets)[0].created, TimePoint{});
  auto none = ParseListBuckets("<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(Xml, ErrorBody) {
  auto error = ParseErrorBody(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The resource you requested does not exist</Message>
<Resource>/mybucket/myfoto.jpg</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>)");
  ASSERT_TRUE(error.ok()) << error.error().message;
  EXPECT_EQ(error->code, "NoSuchKey");
  EXPECT_EQ(error->message, "The resource you requested does not exist");
}

TEST(Xml, Iso8601) {
  auto t = ParseIso8601("2013-05-24T00:00:00.123Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t,
            std::chrono::system_clock::from_time_t(1369353600) + std::chrono::milliseconds(123));
  EXPECT_TRUE(ParseIso8601("2013-05-24T00:00:00").ok());
  for (const char* bad : {"", "2013-05-24", "2013-13-24T00:00:00Z", "2013-05-24T00:00:00Zjunk",
                          "20130524T000000Z", "2013-05-24T0a:00:00Z"}) {
    EXPECT_EQ(ParseIso8601(bad).code(), ErrorCode::kCorrupted) << bad;
  }
}

TEST(Xml, MalformedDocumentsAreCorrupted) {
  const std::vector<std::string> bad = {
      "",
      "   ",
      "not xml",
      "<a>",
      "<a></b>",
      "<a><b></a></b>",
      "<a>&unknown;</a>",
      "<a>&#0;</a>",
      "<a>&#xD800;</a>",
      "<a>&#x110000;</a>",
      "<a>&#99999999999999999999;</a>",
      "<a>&amp</a>",
      "<a b=c></a>",
      "<a b=\"c></a>",
      "<a><![CDATA[x</a>",
      "<a><!-- x</a>",
      "<a></a><b></b>",
      "<a></a>trailing",
      "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
      "<a><!ENTITY x \"y\"></a>",
      "<?xml version=\"1.0\"",
      "<>",
      "</a>",
      "<a",
      "<a/",
  };
  for (const std::string& doc : bad) {
    auto parsed = ParseXml(doc);
    EXPECT_EQ(parsed.code(), ErrorCode::kCorrupted) << "'" << doc << "'";
    if (!parsed.ok()) {
      EXPECT_THAT(parsed.error().message, HasSubstr("malformed XML")) << doc;
    }
  }
}

TEST(Xml, DeepNestingIsRefusedNotRecursedInto) {
  std::string doc;
  for (int i = 0; i < 100000; ++i) doc += "<a>";
  EXPECT_EQ(ParseXml(doc).code(), ErrorCode::kCorrupted);
  std::string ok_doc;
  for (int i = 0; i < kMaxXmlDepth; ++i) ok_doc += "<a>";
  for (int i = 0; i < kMaxXmlDepth; ++i) ok_doc += "</a>";
  EXPECT_TRUE(ParseXml(ok_doc).ok());
}

TEST(Xml, WrongDocumentsForTheOperationAreCorrupted) {
  EXPECT_EQ(ParseListObjectsV2("<Error><Code>X</Code></Error>").code(), ErrorCode::kCorrupted);
  EXPECT_EQ(ParseListBuckets("<ListBucketResult/>").code(), ErrorCode::kCorrupted);
  EXPECT_EQ(ParseErrorBody("<ListBucketResult/>").code(), ErrorCode::kCorrupted);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><Contents><Size>1</Size></Contents>"
                               "</ListBucketResult>")
                .code(),
            ErrorCode::kCorrupted);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size>"
                               "</Contents></ListBucketResult>")
                .code(),
            ErrorCode::kCorrupted);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><Contents><Key>k</Key><Size>99999999999999999999"
                               "</Size></Contents></ListBucketResult>")
                .code(),
            ErrorCode::kCorrupted);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated>"
                               "</ListBucketResult>")
                .code(),
            ErrorCode::kCorrupted);
}

// Cheap fuzzing: every prefix of a valid document, and random byte flips, must
// parse or fail cleanly (run under ASan/UBSan in the sanitizer build).
TEST(Xml, TruncatedAndMutatedDocumentsNeverCrash) {
  const std::string doc =
      "<?xml version=\"1.0\"?><ListBucketResult><EncodingType>url</EncodingType>"
      "<IsTruncated>true</IsTruncated><NextContinuationToken>t</NextContinuationToken>"
      "<Contents><Key>a%20b</Key><Size>12</Size><ETag>&quot;x&quot;</ETag>"
      "<LastModified>2020-01-01T00:00:00.000Z</LastModified></Contents>"
      "<CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes></ListBucketResult>";
  ASSERT_TRUE(ParseListObjectsV2(doc).ok());
  for (size_t n = 0; n < doc.size(); ++n) {
    auto page = ParseListObjectsV2(doc.substr(0, n));
    EXPECT_FALSE(page.ok()) << n;
    EXPECT_EQ(page.code(), ErrorCode::kCorrupted) << n;
  }
  std::mt19937 rng(42);
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = doc;
    for (int flips = 0; flips < 3; ++flips) {
      mutated[rng() % mutated.size()] = static_cast<char>(rng() & 0xff);
    }
    auto page = ParseListObjectsV2(mutated);
    if (!page.ok()) {
      EXPECT_EQ(page.code(), ErrorCode::kCorrupted);
    }
  }
}

}  // namespace
}  // namespace deltaglider::s3
