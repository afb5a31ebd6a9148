// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain --merge-summaries: the shards' summaries joined into the summary of one run.

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <set>

#include "../common/cli_document.hpp"
#include "../common/cli_files.hpp"
#include "../common/cli_shard.hpp"
#include "outputs.hpp"

namespace fs = std::filesystem;

namespace xai_explain {

std::string summaryFileName(int shardIndex, int shardCount)
{
    if (shardCount <= 1)
        return "summary.json";
    return "summary-shard-" + std::to_string(shardIndex) + "-of-" + std::to_string(shardCount) + ".json";
}

namespace {

/** `node` written into `out` (a cv::FileStorage, or the strict JSON writer) under `name` (empty inside
    a sequence), leaving out a map's key `skip`. */
template <typename Writer>
void copyNode(Writer& out, const std::string& name, const cv::FileNode& node, const std::string& skip = "")
{
    if (!name.empty())
        out << name;
    if (node.isMap())
    {
        out << "{";
        for (const cv::FileNode& child : node)
            if (child.name() != skip)
                copyNode(out, child.name(), child);
        out << "}";
    }
    else if (node.isSeq())
    {
        // The summary writes lists of numbers on one line ("mean": [ 127.5, 127.5, 127.5 ]), and the
        // JSON reader does not keep that: a non-empty list of plain values is written so again.
        bool plain = !node.empty();
        for (const cv::FileNode& child : node)
            plain = plain && !child.isMap() && !child.isSeq();
        out << (plain ? "[:" : "[");
        for (const cv::FileNode& child : node)
            copyNode(out, "", child);
        out << "]";
    }
    else if (node.isInt())
        out << (int)node;
    else if (node.isReal())
        out << (double)node;
    else
        out << (std::string)node;
}

//! A node as text, to tell whether two shards agree on it.
std::string textOf(const cv::FileNode& node)
{
    cv::FileStorage out(".json", cv::FileStorage::WRITE | cv::FileStorage::MEMORY);
    copyNode(out, "value", node);
    return out.releaseAndGetString();
}

//! What differs from shard to shard: counted, timed, or the shard itself. Everything else must agree.
bool perShard(const std::string& key)
{
    static const std::set<std::string> keys = {"images_total", "images_done", "images_failed", "interrupted",
                                               "stopped_by",   "total_ms",    "shard_index",   "shard_count", "images"};
    return keys.count(key) > 0;
}

struct ShardSummary
{
    fs::path path;
    cv::FileStorage file;
    cv::FileNode root;
};

} // namespace

int mergeSummaries(const std::string& dir, bool quiet)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw UsageError("--merge-summaries: '" + dir + "' is not a folder");

    // The shards' summaries by index, all of one count.
    const std::regex pattern("summary-shard-([0-9]+)-of-([0-9]+)\\.json");
    std::map<int, fs::path> found;
    int count = 0;
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec))
    {
        const std::string name = e.path().filename().string();
        std::smatch m;
        if (!std::regex_match(name, m, pattern))
            continue;
        xai_samples::Shard shard;
        try
        {
            shard = xai_samples::parseShard(m[1].str() + "/" + m[2].str());
        }
        catch (const UsageError&)
        {
            throw UsageError("--merge-summaries: '" + (fs::path(dir) / name).string() + "' names no shard I of N");
        }
        if (count && shard.count != count)
            throw UsageError("--merge-summaries: '" + dir + "' holds summaries of " + std::to_string(count) +
                             " shards and of " + std::to_string(shard.count) + " (" + name +
                             "): remove those of the other run");
        count = shard.count;
        found[shard.index] = e.path();
    }
    if (found.empty())
        throw UsageError("--merge-summaries: no shard's summary (summary-shard-I-of-N.json) in '" + dir + "'");
    if ((int)found.size() < count)
    {
        std::string missing;
        int listed = 0;
        for (int i = 0; i < count && listed < 10; i++)
            if (!found.count(i))
                missing += (listed++ ? ", " : "") + std::to_string(i);
        throw UsageError("--merge-summaries: " + std::to_string(count - (int)found.size()) + " of " +
                         std::to_string(count) + " shards have no summary in '" + dir + "' (shard " + missing +
                         (count - (int)found.size() > listed ? ", ..." : "") +
                         "): still running, or stopped before the end; run them again, then merge");
    }

    std::vector<ShardSummary> shards;
    for (const auto& f : found)
    {
        ShardSummary s;
        s.path = f.second;
        try
        {
            s.file.open(s.path.string(), cv::FileStorage::READ);
        }
        catch (const cv::Exception& e)
        {
            throw UsageError("--merge-summaries: cannot read '" + s.path.string() + "': " + messageOf(e));
        }
        s.root = s.file.root();
        if (!s.file.isOpened() || (std::string)s.root["program"] != "xai_explain" || !s.root["images"].isSeq() ||
            (int)s.root["shard_index"] != f.first || (int)s.root["shard_count"] != count)
            throw UsageError("--merge-summaries: '" + s.path.string() + "' is not the summary of xai_explain's shard " +
                             std::to_string(f.first) + " of " + std::to_string(count));
        shards.push_back(std::move(s));
    }

    // One run's shards: the same settings, each image once.
    const ShardSummary& first = shards.front();
    for (const ShardSummary& s : shards)
    {
        std::set<std::string> keys;
        for (const cv::FileNode& n : first.root)
            keys.insert(n.name());
        for (const cv::FileNode& n : s.root)
            keys.insert(n.name());
        for (const std::string& key : keys)
            if (!perShard(key) && textOf(s.root[key]) != textOf(first.root[key]))
                throw UsageError("--merge-summaries: '" + s.path.string() + "' and '" + first.path.string() +
                                 "' differ in '" + key + "': only the shards of one run merge");
    }
    // The parameters each map records (per method and fusion) are the run's settings too.
    std::map<std::string, std::pair<std::string, fs::path>> parameters;
    for (const ShardSummary& s : shards)
        for (const cv::FileNode& im : s.root["images"])
            for (const cv::FileNode& c : im["classes"])
                for (const cv::FileNode& m : c["maps"])
                {
                    const std::string key = (std::string)m["method"] + " " + textOf(m["parameters"]["fusion"]);
                    const std::string text = textOf(m["parameters"]);
                    const auto known = parameters.emplace(key, std::make_pair(text, s.path)).first;
                    if (known->second.first != text)
                        throw UsageError("--merge-summaries: '" + s.path.string() + "' and '" +
                                         known->second.second.string() + "' differ in the parameters of " +
                                         (std::string)m["method"] + ": only the shards of one run merge");
                }

    std::vector<std::pair<int, cv::FileNode>> images;
    int total = 0, done = 0, failed = 0;
    double totalMs = 0;
    std::string stoppedBy, stoppedShards;
    for (size_t k = 0; k < shards.size(); k++)
    {
        const cv::FileNode& r = shards[k].root;
        for (const cv::FileNode& im : r["images"])
            images.push_back({(int)im["index"], im});
        total += (int)r["images_total"];
        done += (int)r["images_done"];
        failed += (int)r["images_failed"];
        totalMs += (double)r["total_ms"];
        if ((int)r["interrupted"])
        {
            stoppedBy = stoppedBy.empty() ? (std::string)r["stopped_by"] : stoppedBy;
            stoppedShards += (stoppedShards.empty() ? "" : ", ") + std::to_string(k);
        }
    }
    std::stable_sort(images.begin(), images.end(),
                     [](const std::pair<int, cv::FileNode>& a, const std::pair<int, cv::FileNode>& b) {
                         return a.first < b.first;
                     });
    for (size_t i = 1; i < images.size(); i++)
        if (images[i].first == images[i - 1].first)
            throw UsageError("--merge-summaries: image " + std::to_string(images[i].first) +
                             " is in two shards' summaries: only the shards of one run merge");

    // In the order a whole run writes: shard 0's keys, the counts and times added up.
    const std::string merged = (fs::path(dir) / summaryFileName(0, 1)).string();
    xai_samples::writeStorageFile(merged, [&](xai_samples::DocumentWriter& out) {
        for (const cv::FileNode& n : first.root)
        {
            const std::string key = n.name();
            if (key == "images_total")
                out << key << total;
            else if (key == "images_done")
                out << key << done;
            else if (key == "images_failed")
                out << key << failed;
            else if (key == "interrupted")
            {
                out << key << (int)!stoppedBy.empty();
                if (!stoppedBy.empty())
                    out << "stopped_by" << stoppedBy;
            }
            else if (key == "total_ms")
                out << key << totalMs;
            else if (key == "images")
            {
                out << key << "[";
                for (const auto& im : images)
                    copyNode(out, "", im.second, "index");
                out << "]";
            }
            else if (key != "stopped_by" && key != "shard_index" && key != "shard_count")
                copyNode(out, key, n);
        }
    });
    if (!stoppedBy.empty())
    {
        std::cerr << "xai_explain: shard " << stoppedShards << " of " << count << " stopped before its end (" << stoppedBy
                  << "): " << merged << " lists what was done; run it again, then merge again" << std::endl;
        return 1;
    }
    if (!quiet)
        std::cout << "xai_explain: " << count << " shards joined, " << done - failed << " of " << total
                  << " images explained, in " << merged << std::endl;
    return failed ? 1 : 0;
}

} // namespace xai_explain
