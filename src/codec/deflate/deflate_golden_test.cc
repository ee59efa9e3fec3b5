// Profile C2 (Chromium zlib's ANZAC++ hash) against goldens made with node's
// zlib.deflateRawSync: CI has no node 20 to compare with, so the SHA256 of node's
// output for each input x level x memLevel is pinned here. Regenerate (and check
// the inputs still match) with `node tests/data/deflate/golden.js`.
#include <gtest/gtest.h>

#include "codec/deflate/deflate.h"
#include "codec/deflate/test_inputs.h"
#include "core/hash.h"

namespace deltaglider {
namespace {

struct InputDigest {
  const char* name;
  const char* sha256;
};

struct Golden {
  const char* input;
  int level;
  int mem_level;
  size_t size;
  const char* sha256;
};

// node v20.20.2, zlib 1.3.1-e00f703
const InputDigest kInputs[] = {
    {"empty", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"one", "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"},
    {"sentence", "7f288d214b792ee1433e49275f23c27cb4606e6d452e3aa2fc377c06c1778bef"},
    {"qzx_zero", "c03006f2bb496983c602f72ee63f1d7f995813d5b42da8f8b788a3d73f28ddb3"},
    {"text_5k", "aed45094b13a86d0b167560db2691b876e90ddab450e065bd4e7daedd0fd53ba"},
    {"random_3k", "48d51d4f62cc83f4472c301dbeaf1a4486e1739f30218274af132c2ebabc2bea"},
    {"repetitive", "f4c8bc495f730e44596e3d0112b0abde65cc522113abe01a75b274227578ccbf"},
    {"text_70k", "b4fac2a55bc5e488ce269a9fd3381c01edce4b7425087f3131b58ecbe93398a6"},
};

const Golden kGoldens[] = {
    {"empty", 1, 1, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 1, 8, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 1, 9, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 2, 1, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 2, 8, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 2, 9, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 3, 1, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 3, 8, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 3, 9, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 4, 1, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 4, 8, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 4, 9, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 5, 1, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 5, 8, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 5, 9, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 6, 1, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 6, 8, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 6, 9, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 7, 1, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 7, 8, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 7, 9, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 8, 1, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 8, 8, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 8, 9, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 9, 1, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 9, 8, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"empty", 9, 9, 2, "9b4fb24edd6d1d8830e272398263cdbf026b97392cc35387b991dc0248a628f9"},
    {"one", 1, 1, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 1, 8, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 1, 9, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 2, 1, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 2, 8, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 2, 9, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 3, 1, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 3, 8, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 3, 9, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 4, 1, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 4, 8, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 4, 9, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 5, 1, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 5, 8, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 5, 9, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 6, 1, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 6, 8, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 6, 9, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 7, 1, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 7, 8, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 7, 9, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 8, 1, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 8, 8, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 8, 9, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 9, 1, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 9, 8, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"one", 9, 9, 3, "59fced9a2ff83dabdd7055cf3abd6c12b802e6397b6fba5b8251cdf95d2bc991"},
    {"sentence", 1, 1, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 1, 8, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 1, 9, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 2, 1, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 2, 8, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 2, 9, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 3, 1, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 3, 8, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 3, 9, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 4, 1, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 4, 8, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 4, 9, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 5, 1, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 5, 8, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 5, 9, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 6, 1, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 6, 8, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 6, 9, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 7, 1, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 7, 8, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 7, 9, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 8, 1, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 8, 8, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 8, 9, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 9, 1, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 9, 8, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"sentence", 9, 9, 77, "8bd89aad9197ecb18d96c6b6df0a0ced296a21d7e1b74f8a729ad97d73de40fa"},
    {"qzx_zero", 1, 1, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 1, 8, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 1, 9, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 2, 1, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 2, 8, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 2, 9, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 3, 1, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 3, 8, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 3, 9, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 4, 1, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 4, 8, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 4, 9, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 5, 1, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 5, 8, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 5, 9, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 6, 1, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 6, 8, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 6, 9, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 7, 1, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 7, 8, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 7, 9, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 8, 1, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 8, 8, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 8, 9, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 9, 1, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 9, 8, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"qzx_zero", 9, 9, 18, "54b3833c525a3eb4dffd9c06538f42c13a7d5c3948773a7472dbd6dd1c7ab014"},
    {"text_5k", 1, 1, 1583, "d2e17c486fce8685e2c561675e826a25f1afb2363bc07fa0aeac87e5a6daf98c"},
    {"text_5k", 1, 8, 1428, "bc85cd9ecf7f951ee4ec98caede5da8a693de6fcc006a584354bce6a6b9cc9c6"},
    {"text_5k", 1, 9, 1428, "bc85cd9ecf7f951ee4ec98caede5da8a693de6fcc006a584354bce6a6b9cc9c6"},
    {"text_5k", 2, 1, 1495, "c506eaa3720fd862a64dc407d20740b6694b92a8526b7e94462a56ca66526748"},
    {"text_5k", 2, 8, 1380, "16b1980853666e690b8c9fa75b7f17a8821f84f60a9769ce763f2ee6f6511f1f"},
    {"text_5k", 2, 9, 1380, "16b1980853666e690b8c9fa75b7f17a8821f84f60a9769ce763f2ee6f6511f1f"},
    {"text_5k", 3, 1, 1429, "604a866944e386292fa50db32b6d5fff22963960b0e67653340aecb7238cbd4a"},
    {"text_5k", 3, 8, 1329, "4d12b4f03875e1156674a72721e9f7d6947cce94af6d1032fd0ed73ffef0180a"},
    {"text_5k", 3, 9, 1329, "4d12b4f03875e1156674a72721e9f7d6947cce94af6d1032fd0ed73ffef0180a"},
    {"text_5k", 4, 1, 1390, "63434a746b2756603278f4bde56e094c12ec550a3f8d065b2fdd641e613ab44e"},
    {"text_5k", 4, 8, 1275, "541700d5b1547f05e509b47bf982713af3437b6db9110171bf35933153fdf908"},
    {"text_5k", 4, 9, 1275, "541700d5b1547f05e509b47bf982713af3437b6db9110171bf35933153fdf908"},
    {"text_5k", 5, 1, 1340, "85596c89703d4fa04197cb0f9c8aeb75042623d3805b3a30e3ceaa9c19abc401"},
    {"text_5k", 5, 8, 1232, "4a1702abaa6463fb8afac23edb5ab64babc2190ed4abc6dc195e71daa7174300"},
    {"text_5k", 5, 9, 1232, "4a1702abaa6463fb8afac23edb5ab64babc2190ed4abc6dc195e71daa7174300"},
    {"text_5k", 6, 1, 1331, "a02cb4d923e618c940c617ce28efaa5cc60754e77c9ae7e1b7b82c6e5e691300"},
    {"text_5k", 6, 8, 1229, "d003dff28dea2fbfb32f06946a2c81fd92eab0cc1010d7ce867735ae5e0dd97a"},
    {"text_5k", 6, 9, 1229, "d003dff28dea2fbfb32f06946a2c81fd92eab0cc1010d7ce867735ae5e0dd97a"},
    {"text_5k", 7, 1, 1333, "5e9e03e4651191115c5186f22f1728923c22ac3d880b40e1f01a8e9899e4b558"},
    {"text_5k", 7, 8, 1230, "9055b026be3f48baf40cb97fc86cb0b01fa04529a6dfb114181fd6e4b605dcf4"},
    {"text_5k", 7, 9, 1230, "9055b026be3f48baf40cb97fc86cb0b01fa04529a6dfb114181fd6e4b605dcf4"},
    {"text_5k", 8, 1, 1333, "5e9e03e4651191115c5186f22f1728923c22ac3d880b40e1f01a8e9899e4b558"},
    {"text_5k", 8, 8, 1230, "9055b026be3f48baf40cb97fc86cb0b01fa04529a6dfb114181fd6e4b605dcf4"},
    {"text_5k", 8, 9, 1230, "9055b026be3f48baf40cb97fc86cb0b01fa04529a6dfb114181fd6e4b605dcf4"},
    {"text_5k", 9, 1, 1333, "5e9e03e4651191115c5186f22f1728923c22ac3d880b40e1f01a8e9899e4b558"},
    {"text_5k", 9, 8, 1230, "9055b026be3f48baf40cb97fc86cb0b01fa04529a6dfb114181fd6e4b605dcf4"},
    {"text_5k", 9, 9, 1230, "9055b026be3f48baf40cb97fc86cb0b01fa04529a6dfb114181fd6e4b605dcf4"},
    {"random_3k", 1, 1, 3120, "8447f3cd8c43b78127b7a1aaab5f443c9959749d61f0ca940920cdefe19a178d"},
    {"random_3k", 1, 8, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 1, 9, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 2, 1, 3120, "8447f3cd8c43b78127b7a1aaab5f443c9959749d61f0ca940920cdefe19a178d"},
    {"random_3k", 2, 8, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 2, 9, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 3, 1, 3120, "8447f3cd8c43b78127b7a1aaab5f443c9959749d61f0ca940920cdefe19a178d"},
    {"random_3k", 3, 8, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 3, 9, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 4, 1, 3120, "8447f3cd8c43b78127b7a1aaab5f443c9959749d61f0ca940920cdefe19a178d"},
    {"random_3k", 4, 8, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 4, 9, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 5, 1, 3120, "8447f3cd8c43b78127b7a1aaab5f443c9959749d61f0ca940920cdefe19a178d"},
    {"random_3k", 5, 8, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 5, 9, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 6, 1, 3120, "8447f3cd8c43b78127b7a1aaab5f443c9959749d61f0ca940920cdefe19a178d"},
    {"random_3k", 6, 8, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 6, 9, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 7, 1, 3120, "8447f3cd8c43b78127b7a1aaab5f443c9959749d61f0ca940920cdefe19a178d"},
    {"random_3k", 7, 8, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 7, 9, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 8, 1, 3120, "8447f3cd8c43b78127b7a1aaab5f443c9959749d61f0ca940920cdefe19a178d"},
    {"random_3k", 8, 8, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 8, 9, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 9, 1, 3120, "8447f3cd8c43b78127b7a1aaab5f443c9959749d61f0ca940920cdefe19a178d"},
    {"random_3k", 9, 8, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"random_3k", 9, 9, 3005, "69b3d130261db44dc92c9d8d60261a9420ad8f855afbc2f6e78269f92cc17655"},
    {"repetitive", 1, 1, 137, "cee567fc30db86711f608b68a290b5341e3348ddbfdaa0a7028b10e5181679b7"},
    {"repetitive", 1, 8, 137, "cee567fc30db86711f608b68a290b5341e3348ddbfdaa0a7028b10e5181679b7"},
    {"repetitive", 1, 9, 137, "cee567fc30db86711f608b68a290b5341e3348ddbfdaa0a7028b10e5181679b7"},
    {"repetitive", 2, 1, 137, "cee567fc30db86711f608b68a290b5341e3348ddbfdaa0a7028b10e5181679b7"},
    {"repetitive", 2, 8, 137, "cee567fc30db86711f608b68a290b5341e3348ddbfdaa0a7028b10e5181679b7"},
    {"repetitive", 2, 9, 137, "cee567fc30db86711f608b68a290b5341e3348ddbfdaa0a7028b10e5181679b7"},
    {"repetitive", 3, 1, 137, "cee567fc30db86711f608b68a290b5341e3348ddbfdaa0a7028b10e5181679b7"},
    {"repetitive", 3, 8, 137, "cee567fc30db86711f608b68a290b5341e3348ddbfdaa0a7028b10e5181679b7"},
    {"repetitive", 3, 9, 137, "cee567fc30db86711f608b68a290b5341e3348ddbfdaa0a7028b10e5181679b7"},
    {"repetitive", 4, 1, 59, "998934e8a6d19264b96f4feab03b416f2905d2fe07ffd157eacacec272cf910e"},
    {"repetitive", 4, 8, 59, "998934e8a6d19264b96f4feab03b416f2905d2fe07ffd157eacacec272cf910e"},
    {"repetitive", 4, 9, 59, "998934e8a6d19264b96f4feab03b416f2905d2fe07ffd157eacacec272cf910e"},
    {"repetitive", 5, 1, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 5, 8, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 5, 9, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 6, 1, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 6, 8, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 6, 9, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 7, 1, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 7, 8, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 7, 9, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 8, 1, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 8, 8, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 8, 9, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 9, 1, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 9, 8, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"repetitive", 9, 9, 57, "f92a0b768c5cab4a831f7f8596b50d1879e11d038c55e502fd3e3a22f7c61e58"},
    {"text_70k", 1, 1, 20429, "32fc34294ce81f53ca000fbe8b13f77a78d9bf1cae9b3c50d19f2584cb62b3c4"},
    {"text_70k", 1, 8, 18493, "279d0a2dc73fb9c80e7c72732d86a5734285c6fcb5469e5741eaccbd81afec1e"},
    {"text_70k", 1, 9, 18491, "26262916194f8c7fd515da8201c1fccace02240a387b9f3aaca24af1a06e778a"},
    {"text_70k", 2, 1, 19515, "e14f14f862a9f0744996bf59578a0cc94eb3ff7aa00c415151baaededa0c7648"},
    {"text_70k", 2, 8, 17816, "fe94c1539c496b4603cccf8594c0344e91dd4bb15c030a46c6dcf4d9a365904a"},
    {"text_70k", 2, 9, 17806, "535c3b58321d01fe889079e08aad25319169f363b6536ae0c137088095aa6a19"},
    {"text_70k", 3, 1, 17915, "a4a8d99f775e8893f124c70fab697af449105a50b535b2bc0fd358fd673fdc9d"},
    {"text_70k", 3, 8, 16596, "26d9b2455794e8919b6aaa67bc349374791d2979951db3dcc63b22d4319720d8"},
    {"text_70k", 3, 9, 16588, "a9c05197c26f83be8745338c67232b2b6f7f026bebdb9439649aa6295dceb243"},
    {"text_70k", 4, 1, 17647, "8d3522a1560421a2c786bf104bcdad43e609ec1d78d84ccf205d6df5e04e9a9f"},
    {"text_70k", 4, 8, 16217, "80f80127e16f4fec5a856e53ac43c1d92e4d8c159255707de9dc3c2871f2c33c"},
    {"text_70k", 4, 9, 16214, "9232e9adaecc6fe2ea7ae594d99275e7b64fa9d12e087a1aba675b4038ed0a41"},
    {"text_70k", 5, 1, 16887, "6b8fe071eca3d40e236e39a048861774c8d1a259321c89ebfab7af6410710968"},
    {"text_70k", 5, 8, 15258, "ef3109ff48c8606e299901527cb8dfadfe898a156f8dc0794cd1a7585d356a47"},
    {"text_70k", 5, 9, 15253, "b8d8ea9c8e6dfdd4625a07b61c47eebfa5b768179f7170401f6aa0c4f85f4d42"},
    {"text_70k", 6, 1, 16043, "ff8f2378c94e0b244c8db411061daff454fa549e1f064bae65ba2ba1eef2820d"},
    {"text_70k", 6, 8, 14584, "1131f973c66c24e0015208fea295067ce2b298d0b744f4d81211758a5f4d53d0"},
    {"text_70k", 6, 9, 14582, "6f4a6e524f7db63010d375def3607c092a6103be59bb2fd6f331fa0061adc70c"},
    {"text_70k", 7, 1, 15684, "8f842497ec2aed03279f87fcb4e51f3b1594e826f1b2b3a6debff877292be370"},
    {"text_70k", 7, 8, 14371, "5c26c94b06074450c411e647a18c62906dab6b45369fbb4e9bc1fa116705e42e"},
    {"text_70k", 7, 9, 14369, "880fcf8f408eae8fc92bf59e889d4679295961edc68f45171ae5c66760843f9c"},
    {"text_70k", 8, 1, 15344, "1c7dabb5abd3811db03d8f93aabb5d18bc0611fe1600b5b6a281a390e40d5925"},
    {"text_70k", 8, 8, 14143, "3406546bb7a27e6e5e23e90c2fee662a41692ac40bf45c32b0af98dd79e50696"},
    {"text_70k", 8, 9, 14143, "3406546bb7a27e6e5e23e90c2fee662a41692ac40bf45c32b0af98dd79e50696"},
    {"text_70k", 9, 1, 15344, "1c7dabb5abd3811db03d8f93aabb5d18bc0611fe1600b5b6a281a390e40d5925"},
    {"text_70k", 9, 8, 14143, "3406546bb7a27e6e5e23e90c2fee662a41692ac40bf45c32b0af98dd79e50696"},
    {"text_70k", 9, 9, 14143, "3406546bb7a27e6e5e23e90c2fee662a41692ac40bf45c32b0af98dd79e50696"},
};

const deflate::testing::Bytes* FindInput(const std::vector<deflate::testing::TestInput>& inputs,
                                         const std::string& name) {
  for (const auto& input : inputs) {
    if (input.name == name) return &input.bytes;
  }
  return nullptr;
}

TEST(DeflateGolden, InputsAreTheOnesNodeCompressed) {
  const auto inputs = deflate::testing::GoldenInputs();
  for (const InputDigest& digest : kInputs) {
    const auto* bytes = FindInput(inputs, digest.name);
    ASSERT_NE(bytes, nullptr) << digest.name;
    EXPECT_EQ(Sha256Hex(*bytes), digest.sha256) << digest.name;
  }
}

TEST(DeflateGolden, ChromiumAnzacEqualsNode20) {
  const auto inputs = deflate::testing::GoldenInputs();
  for (const Golden& golden : kGoldens) {
    const auto* bytes = FindInput(inputs, golden.input);
    ASSERT_NE(bytes, nullptr) << golden.input;
    const DeflateProfile profile{DeflateProfile::kChromiumAnzac, golden.level, golden.mem_level};
    VectorSink out;
    ASSERT_TRUE(Deflate(*bytes, profile, out).ok());
    EXPECT_EQ(out.bytes().size(), golden.size)
        << golden.input << " " << DeflateProfileName(profile);
    EXPECT_EQ(Sha256Hex(out.bytes()), golden.sha256)
        << golden.input << " " << DeflateProfileName(profile);
  }
}

}  // namespace
}  // namespace deltaglider
