// Runs before each test file. tfjs prints a hint to install tfjs-node on its
// first use in Node unless IS_TEST is set.
import * as tf from "@tensorflow/tfjs";

tf.env().set("IS_TEST", true);
