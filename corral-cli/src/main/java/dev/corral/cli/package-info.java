@NullMarked
package dev.corral.cli;

import org.jspecify.annotations.NullMarked;
