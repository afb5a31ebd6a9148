// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_shard.hpp"

#include <climits>
#include <cstdlib>
#include <vector>

#include "cli_errors.hpp"

namespace xai_samples {
namespace {

/** A count or an index: decimal digits only (no sign, space or base prefix), at most INT_MAX, so
    that "4294967297" is refused instead of wrapping to 1. -1 when `text` is not one. */
long long wholeOrMinusOne(const std::string& text)
{
    if (text.empty() || text.size() > 10)
        return -1;
    long long v = 0;
    for (char c : text)
    {
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    return v <= INT_MAX ? v : -1;
}

//! One variable of the environment, with the value checked as a whole number.
struct Variable
{
    const char* name;
    const char* text;  //!< nullptr: not set
    long long value;

    bool set() const { return text != nullptr; }
};

Variable read(const EnvironmentReader& env, const char* name, const std::string& shard)
{
    const char* text = env(name);
    if (text && !*text)
        text = nullptr;  // set but empty: as if unset
    Variable v{name, text, text ? wholeOrMinusOne(text) : -1};
    if (v.set() && v.value < 0)
        throw UsageError("--shard " + shard + ": " + name + "='" + text + "' is not a whole number from 0 to " +
                         std::to_string(INT_MAX));
    return v;
}

std::string describe(const Variable& v) { return std::string(v.name) + "=" + v.text; }

} // namespace

Shard parseShard(const std::string& text, const EnvironmentReader& givenEnv)
{
    const EnvironmentReader env = givenEnv ? givenEnv : EnvironmentReader([](const char* n) { return std::getenv(n); });
    const size_t slash = text.find('/');
    const std::string first = text.substr(0, slash), second = slash == std::string::npos ? "" : text.substr(slash + 1);
    Shard s;
    if (first != "auto")
    {
        const long long i = wholeOrMinusOne(first), n = wholeOrMinusOne(second);
        if (slash == std::string::npos || i < 0 || n < 0)
            throw UsageError("--shard: '" + text + "' is not I/N (two whole numbers up to " + std::to_string(INT_MAX) +
                             "), auto or auto/N");
        if (n < 1 || i >= n)
            throw UsageError("--shard " + text + ": I/N with N >= 1 and 0 <= I < N is expected");
        s.index = (int)i;
        s.count = (int)n;
        return s;
    }

    // The count given by the user: auto/N, or XAI_SHARD_COUNT.
    long long given = -1;
    std::string givenBy;
    if (slash != std::string::npos)
    {
        given = wholeOrMinusOne(second);
        if (given < 1)
            throw UsageError("--shard: '" + text + "': the N of auto/N must be a whole number from 1 to " +
                             std::to_string(INT_MAX));
        givenBy = "--shard " + text;
    }
    const Variable xaiCount = read(env, "XAI_SHARD_COUNT", text);
    if (xaiCount.set())
    {
        if (xaiCount.value < 1)
            throw UsageError("--shard " + text + ": XAI_SHARD_COUNT must be at least 1");
        if (given >= 0 && given != xaiCount.value)
            throw UsageError("--shard " + text + " and " + describe(xaiCount) + " disagree on the number of shards");
        given = xaiCount.value;
        givenBy = givenBy.empty() ? describe(xaiCount) : givenBy;
    }

    const Variable slurmId = read(env, "SLURM_ARRAY_TASK_ID", text);
    const Variable k8sIndex = read(env, "JOB_COMPLETION_INDEX", text);
    const Variable awsIndex = read(env, "AWS_BATCH_JOB_ARRAY_INDEX", text);
    std::vector<const Variable*> indices;
    for (const Variable* v : {&slurmId, &k8sIndex, &awsIndex})
        if (v->set())
            indices.push_back(v);
    if (indices.empty())
        throw UsageError("--shard " + text + ": no shard index in the environment: none of SLURM_ARRAY_TASK_ID (Slurm "
                         "job arrays), JOB_COMPLETION_INDEX (Kubernetes indexed jobs), AWS_BATCH_JOB_ARRAY_INDEX (AWS "
                         "Batch array jobs) is set; give --shard I/N outside a scheduler");
    if (indices.size() > 1)
        throw UsageError("--shard " + text + ": both " + describe(*indices[0]) + " and " + describe(*indices[1]) +
                         " are set: which scheduler started this? Give --shard I/N");
    const Variable& index = *indices[0];
    s.index = (int)index.value;

    // The count the scheduler knows, and whether the array is 0 .. count-1.
    long long count = -1;
    std::string countBy;
    if (&index == &slurmId)
    {
        const Variable n = read(env, "SLURM_ARRAY_TASK_COUNT", text);
        const Variable lo = read(env, "SLURM_ARRAY_TASK_MIN", text);
        const Variable hi = read(env, "SLURM_ARRAY_TASK_MAX", text);
        if (given >= 0)
        {
            // Some shards of N (a resubmitted one: sbatch --array=2): every task of the array must be one.
            if (hi.set() && hi.value >= given)
                throw UsageError("--shard " + text + ": the array goes up to " + describe(hi) + " but " + givenBy +
                                 " says " + std::to_string(given) + " shards (0 to " + std::to_string(given - 1) + ")");
        }
        else if (n.set() || hi.set())
        {
            count = n.set() ? n.value : hi.value + 1;
            countBy = n.set() ? describe(n) : describe(hi);
            // Shards must be 0 .. count-1: an array with a step, a list or another start is not.
            const bool fromZero = !lo.set() || lo.value == 0;
            const bool dense = !n.set() || !hi.set() || hi.value + 1 == n.value;
            if (!fromZero || !dense)
                throw UsageError("--shard " + text + ": the Slurm array (" + (lo.set() ? describe(lo) + ", " : "") +
                                 (hi.set() ? describe(hi) + ", " : "") + (n.set() ? describe(n) : "") +
                                 ") is not 0 to N-1 with every task: submit --array=0-<N-1>, or give the number of "
                                 "shards (--shard auto/N or XAI_SHARD_COUNT) to run some of them");
        }
    }
    else if (&index == &awsIndex)
    {
        const Variable n = read(env, "AWS_BATCH_JOB_ARRAY_SIZE", text);
        if (n.set())
        {
            if (given >= 0 && n.value > given)
                throw UsageError("--shard " + text + ": " + describe(n) + " is more than the " + std::to_string(given) +
                                 " shards of " + givenBy);
            count = n.value;
            countBy = describe(n);
        }
    }
    if (given >= 0)
    {
        count = given;
        countBy = givenBy;
    }
    if (count < 0)
        throw UsageError("--shard " + text + ": " + describe(index) + " gives the index but nothing gives the number of "
                         "shards: write --shard auto/N or set XAI_SHARD_COUNT");
    if (count < 1 || s.index >= count)
        throw UsageError("--shard " + text + ": index " + describe(index) + " is out of range for " +
                         std::to_string(count) + " shards (" + countBy + "): 0 <= index < N is expected");
    s.count = (int)count;
    s.source = describe(index) + ", " + countBy;
    return s;
}

std::string shardHelp(const std::string& what)
{
    return "do the " + what + " whose index modulo N is I (0 <= I < N); auto: I from the scheduler "
           "(SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX), N from the Slurm or AWS Batch "
           "array, or given as auto/N or XAI_SHARD_COUNT (docs/scale-out.md)";
}

} // namespace xai_samples
