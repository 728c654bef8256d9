package figures

import "errors"

var errTODO = errors.New("not yet drawn")

func Bridge1D() (Figure, error)    { return Figure{}, errTODO }
func Noising2D() (Figure, error)   { return Figure{}, errTODO }
func Reverse2D() (Figure, error)   { return Figure{}, errTODO }
func Drifting() (Figure, error)    { return Figure{}, errTODO }
func Closures() (Figure, error)    { return Figure{}, errTODO }
func KRBrenier() (Figure, error)   { return Figure{}, errTODO }


