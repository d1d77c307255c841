package git

import "syscall"

const mapPopulate = syscall.MAP_POPULATE
