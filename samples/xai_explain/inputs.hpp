// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain: what to explain. Image lists, class names, and the --class specification.

#ifndef XAI_EXPLAIN_INPUTS_HPP
#define XAI_EXPLAIN_INPUTS_HPP

#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace xai_explain {

struct ImageItem
{
    std::string path;
    std::string stem;  //!< output file prefix, unique within the run
    int index = 0;     //!< position in the whole list, which decides the shard
};

/** Expands image arguments (files, folders, list files as @file or *.txt) into the images to
    explain, in the order given. A named file or list that does not exist is a UsageError; files
    found in folders are taken on their extension, so one that cannot be decoded fails later, alone.
    What is neither a file nor a folder (a FIFO, a device) is skipped with a warning, since reading it
    could block forever. Stems are cut to kMaxStemBytes so that output names stay within the file
    system's limit. */
std::vector<ImageItem> collectImages(const std::vector<std::string>& arguments,
                                     const std::function<void(const std::string&)>& warn);

//! The longest stem output names start with; longer image names are cut (then made unique).
const size_t kMaxStemBytes = 100;

/** Class names, one a line (line n names class n); a trailing "\r" or blank is dropped. A file with
    no name, or larger than kMaxLabelsBytes (such as a device), is a UsageError. */
std::vector<std::string> readLabels(const std::string& path);

//! 16 MiB: ten times the names of ImageNet-21k.
const size_t kMaxLabelsBytes = 16u << 20;

/** Decodes an image file (cv::imdecode with `flags`). Throws std::runtime_error when it cannot be
    read or decoded; sets `warning` when it decodes but is damaged (a JPEG cut short decodes with its
    end grey). */
cv::Mat readImage(const std::string& path, int flags, std::string& warning);

/** The classes asked for with --class: ids, top:K, and names resolved against the labels, in the
    order given, without repetitions. */
class ClassRequest
{
public:
    //! Throws UsageError for a malformed item or an unknown name.
    ClassRequest(const std::string& spec, const std::vector<std::string>& labels);

    //! Throws UsageError when an explicit id, or top:K, does not exist among numClasses classes.
    void checkClassCount(int numClasses) const;

    /** The ids to ask the library for: explicit ids as they are, top:K as -1 to -K (the library ranks
        the classes of each image by its own scores). May repeat a class; callers keep the first. */
    const std::vector<int>& libraryIds() const { return ids_; }

private:
    std::vector<int> ids_;
    int top_ = 0;  //!< the largest K of the top:K items; 0 when there is none
};

} // namespace xai_explain

#endif // XAI_EXPLAIN_INPUTS_HPP
