import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: {
    width: 'auto',
    height: 28,
  },
  path: {
    fill: '#7df3e1',
  },
});

/** Slipway's mark: a boat resting on a launch ramp. */
export const LogoIcon = () => {
  const classes = useStyles();

  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 24 24"
      role="img"
      aria-label="Slipway"
    >
      <path className={classes.path} d="M11 3 5 12h6z" />
      <path className={classes.path} d="M12.5 5v7H17z" />
      <path className={classes.path} d="M3 13.5h18L18 18H6z" />
      <path className={classes.path} d="M2 20h20v1.5H2z" />
    </svg>
  );
};
