// Python bindings: names the generated code uses for nested and foreign types.
#ifdef HAVE_OPENCV_XAI
typedef cv::xai::ScoreCAM::Params ScoreCAM_Params;
typedef cv::xai::AugmentedScoreCAM::Params AugmentedScoreCAM_Params;
typedef cv::dnn::Net dnn_Net;
#endif
