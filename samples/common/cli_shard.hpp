// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// --shard I/N | auto | auto/N: which part of a run this process does, given outright or read from
// the scheduler that started it (Slurm job arrays, Kubernetes indexed jobs, AWS Batch array jobs).

#ifndef XAI_SAMPLES_CLI_SHARD_HPP
#define XAI_SAMPLES_CLI_SHARD_HPP

#include <functional>
#include <string>

namespace xai_samples {

struct Shard
{
    int index = 0;
    int count = 1;
    std::string source;  //!< where index and count came from ("SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT"); empty when given outright
};

//! Reads one environment variable; nullptr when it is not set. std::getenv by default.
using EnvironmentReader = std::function<const char*(const char*)>;

/** Parses --shard: "I/N" (0 <= I < N), "auto" or "auto/N". With auto, the index comes from
    SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX, and the count
    from N, XAI_SHARD_COUNT, or the scheduler (SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN/MAX,
    AWS_BATCH_JOB_ARRAY_SIZE). Numbers are decimal digits only and fit in an int. Throws UsageError,
    naming the variables, when none is set, or when a value is malformed, out of range or disagrees
    with another. */
Shard parseShard(const std::string& text, const EnvironmentReader& env = nullptr);

//! The --help text of --shard, shared by the programs ("what" is what gets split: "images").
std::string shardHelp(const std::string& what);

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_SHARD_HPP
