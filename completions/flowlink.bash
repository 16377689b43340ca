# bash completion for flowlink (installed as
# /usr/share/bash-completion/completions/flowlink).
# Commands, options and option values are read from `flowlink --help` and
# `flowlink COMMAND --help`, so completion follows the installed version
# without a list to keep in step. Files and directories are completed where an
# option takes a path.

_flowlink_help_cache=()

# _flowlink_help [COMMAND]: the help text, asked once per shell.
_flowlink_help() {
  local key="${1:-_}" entry
  for entry in "${_flowlink_help_cache[@]}"; do
    if [[ "${entry%%$'\n'*}" == "$key" ]]; then
      printf '%s\n' "${entry#*$'\n'}"
      return
    fi
  done
  local text
  text="$("$_flowlink_program" ${1:+"$1"} --help 2>/dev/null)"
  _flowlink_help_cache+=("$key"$'\n'"$text")
  printf '%s\n' "$text"
}

_flowlink() {
  local cur prev command="" word i
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD - 1]}"
  _flowlink_program="${COMP_WORDS[0]}"
  COMPREPLY=()

  local commands
  commands="$(_flowlink_help | awk '/^Subcommands:/ {in_list = 1; next}
      in_list && /^  [a-z]/ {print $1} in_list && /^$/ {in_list = 0}')"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${COMP_WORDS[i]}"
    if [[ "$word" != -* ]] && grep -qxF -- "$word" <<<"$commands"; then
      command="$word"
      break
    fi
  done

  if [[ -z "$command" ]]; then
    if [[ "$cur" == -* ]]; then
      COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
    return
  fi

  local help
  help="$(_flowlink_help "$command")"
  # An option's line: "  -f,--file TEXT ...", "  --output TEXT:{text,json}".
  local line choices
  line="$(awk -v option="$prev" '/^  -/ { n = split($1, names, ",")
      for (i = 1; i <= n; i++) if (names[i] == option) { print; exit } }' <<<"$help")"
  if [[ -n "$line" && "$prev" == -* ]]; then
    choices="$(sed -n 's/.*:{\([^}]*\)}.*/\1/p' <<<"$line" | tr ',' ' ')"
    if [[ -n "$choices" ]]; then
      COMPREPLY=($(compgen -W "$choices" -- "$cur"))
      return
    fi
    case "$prev" in
      --export-dir | --work-dir)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    esac
    if grep -qE -- ' (TEXT|FLOAT|INT|UINT)' <<<"$line"; then
      # A value: a path for the options that take one, else nothing to offer.
      case "$prev" in
        -f | --file | --out) COMPREPLY=($(compgen -f -- "$cur")) ;;
      esac
      return
    fi
  fi

  if [[ "$cur" == -* ]]; then
    local options
    options="$(grep -oE -- '^  (-[a-zA-Z],)?--[a-z][a-z0-9-]*' <<<"$help" | sed 's/^ *//; s/,/ /')"
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}

complete -o filenames -F _flowlink flowlink
